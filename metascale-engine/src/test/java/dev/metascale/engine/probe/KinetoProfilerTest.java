package dev.metascale.engine.probe;

import dev.metascale.core.flops.ForwardCost;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KinetoProfilerTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(KinetoProfiler.DISABLE_PROPERTY);
        KinetoProfiler.reset();
    }

    private static List<Episode> tasks(int count, int ways, int shots, int query, int side) {
        torch.manual_seed(3);
        List<Episode> tasks = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            tasks.add(new Episode(torch.randn(ways * shots, 1, side, side), labels(ways, shots),
                    torch.randn(ways * query, 1, side, side), labels(ways, query), ways, new long[ways]));
        }
        return tasks;
    }

    private static Tensor labels(int ways, int perClass) {
        long[] y = new long[ways * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / perClass;
        }
        return ArrayTensors.longs(y, y.length);
    }

    @Test
    void selfCheckPassesAndAMamlIterationMatchesTheAnalyticCount(@TempDir Path dir) throws Exception {
        TorchRuntime.configure(1);
        assertEquals("", KinetoProfiler.unavailableReason().orElse(""));
        int ways = 5, shots = 1, query = 3, steps = 2, batch = 2;
        Mlp model = new Mlp(64, List.of(32, 16));
        try (PointerScope scope = new PointerScope()) {
            ParamSet params = model.init(1, ways, torch.ScalarType.Float);
            Maml maml = new Maml(model, params, 0.1, steps, steps, 1e-3);
            List<Episode> tasks = tasks(batch, ways, shots, query, 8);
            maml.metaStep(tasks);   // warm-up outside the window
            KinetoProfiler.Window window = KinetoProfiler.start().orElseThrow();
            maml.metaStep(tasks);
            Path trace = dir.resolve("traces/trial.json");
            OperatorProfile profile = window.stop(1, trace);

            IterationFlops analytic = IterationFlops.maml(model.forwardCost((long) ways * shots, ways),
                    model.forwardCost((long) ways * query, ways), steps, batch);
            long profiled = profile.countedFlops();
            assertEquals(analytic.model().matmul(), profiled, analytic.model().matmul() * 0.01,
                    "analytic matmul FLOPs vs the profiler's " + profile.ops());
            assertTrue(Files.size(trace) > 1000, "Chrome trace written");
            assertTrue(Files.readString(trace).contains("aten::addmm"));
            assertTrue(profile.peakTensorBytes() > 0);
            assertTrue(profile.op("aten::addmm").selfTimeS() > 0);
            assertTrue(profile.toJson(5).get("ops").size() <= 5);
        }
    }

    @Test
    void conv4ForwardConvolutionFlopsMatchTheProfiler() {
        TorchRuntime.configure(1);
        Conv4 model = new Conv4(1, 8, 28, 28);
        try (PointerScope scope = new PointerScope()) {
            ParamSet params = model.init(1, 5, torch.ScalarType.Float);
            Tensor images = torch.randn(4, 1, 28, 28);
            KinetoProfiler.Window window = KinetoProfiler.start().orElseThrow();
            model.logits(params, images);
            OperatorProfile profile = window.stop(1, null);
            long conv = profile.op("aten::conv2d").flops();
            long head = profile.op("aten::addmm").flops();
            assertEquals(model.forwardCost(4, 5).forward().matmul(), conv + head);
        }
    }

    @Test
    void fallsBackCleanlyWhenDisabled() {
        System.setProperty(KinetoProfiler.DISABLE_PROPERTY, "true");
        KinetoProfiler.reset();
        assertFalse(KinetoProfiler.available());
        assertTrue(KinetoProfiler.unavailableReason().orElseThrow().contains(KinetoProfiler.DISABLE_PROPERTY));
        assertTrue(KinetoProfiler.start().isEmpty());
    }

    @Test
    void selfTimeExcludesChildrenAndPeakFollowsTheMemoryEvents() {
        List<ProfiledEvent> events = List.of(
                new ProfiledEvent("aten::linear", 0, 100, 1, 0, 0),
                new ProfiledEvent("aten::addmm", 10, 60, 1, 500, 0),
                new ProfiledEvent(ProfiledEvent.MEMORY, 20, 0, 1, 0, 400),
                new ProfiledEvent(ProfiledEvent.MEMORY, 80, 0, 1, 0, 100),
                new ProfiledEvent(ProfiledEvent.MEMORY, 90, 0, 1, 0, -400),
                new ProfiledEvent(ProfiledEvent.MEMORY, 95, 0, 1, 0, 50),
                new ProfiledEvent("aten::relu", 120, 30, 1, 0, 0));
        OperatorProfile p = OperatorProfile.of(1, events);
        assertEquals(40e-9, p.op("aten::linear").selfTimeS(), 1e-15);
        assertEquals(100e-9, p.op("aten::linear").totalTimeS(), 1e-15);
        assertEquals(60e-9, p.op("aten::addmm").selfTimeS(), 1e-15);
        assertEquals(400, p.op("aten::addmm").allocBytes());
        assertEquals(150, p.op("aten::linear").allocBytes());
        assertEquals(500, p.peakTensorBytes());
        assertEquals(500, p.countedFlops());
        assertEquals("aten::addmm", p.ops().get(0).name());
    }
}

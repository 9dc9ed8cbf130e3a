package dev.metascale.engine.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.TrialExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short MAML trial: every cost metric present, and the profiled matmul FLOPs equal the analytic count. */
class TrialMeasurementsTest {
    @AfterEach
    void clear() {
        System.clearProperty(SampledProfile.TRACE_DIR_PROPERTY);
        System.clearProperty(Calibration.CACHE_PROPERTY);
    }

    @Test
    void mamlTrialRecordsFlopsMfuProfileAndTrace(@TempDir Path dir) throws Exception {
        System.setProperty(SampledProfile.TRACE_DIR_PROPERTY, dir.resolve("traces").toString());
        System.setProperty(Calibration.CACHE_PROPERTY, dir.resolve("calibration.json").toString());
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("mlp", "", List.of(64, 32), 0),
                new AlgorithmSpec("maml", 0.4, 2, 2, 0.005, 2),
                new TrainSpec(8, 3), new EvalSpec(5, 1000, "synthetic"), new TechniqueSpec("fp32", 0, 1), 0, 600, "none");
        TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });
        JsonNode m = Json.MAPPER.valueToTree(result).path("metrics");
        if (Boolean.getBoolean("metascale.test.print")) {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        }
        long perIter = m.path("flops_per_iter").asLong();
        assertTrue(perIter > 0, m.toString());
        assertEquals(perIter * 8, m.path("flops_total").asLong());
        assertTrue(m.path("flops_breakdown").path("second_order").asLong() > 0);
        assertTrue(m.path("achieved_flops_per_s").asDouble() > 0);
        assertTrue(m.path("mfu").asDouble() > 0 && m.path("mfu").asDouble() < 1, "mfu " + m.path("mfu"));
        assertTrue(m.path("mfu_peak_flops_per_s").asDouble() > 0);
        assertTrue(m.has("profile"), m.path("profile_absent").asText());
        assertEquals(2, m.path("profile").path("window_iterations").asInt());
        // the peak is absolute: the window's own peak plus the tensors alive when it opened, part by part
        JsonNode parts = m.path("peak_tensor_parts");
        long paramBytes = m.path("param_count").asLong() * 4;
        assertEquals(paramBytes, parts.path("parameters").asLong(), parts.toString());
        assertEquals(paramBytes, parts.path("gradients").asLong(), "meta-gradients are parameter-shaped");
        assertEquals(2 * paramBytes, parts.path("optimizer_state").asLong(), "Adam's two moments, stepped in the unprofiled warm-up");
        assertTrue(parts.path("activations").asLong() > 0, parts.toString());
        assertEquals(m.path("peak_tensor_bytes").asLong(), parts.path("parameters").asLong() + parts.path("gradients").asLong()
                + parts.path("optimizer_state").asLong() + parts.path("activations").asLong());
        assertEquals(m.path("peak_tensor_window_bytes").asLong() + 3 * paramBytes, m.path("peak_tensor_bytes").asLong(),
                "absolute = window peak (new gradients and activations) + parameters + Adam state");
        long analyticMatmul = m.path("flops_breakdown").path("matmul").asLong();
        assertEquals(analyticMatmul, m.path("profile_flops_matmul_per_iter").asLong(), analyticMatmul * 0.01);
        assertEquals(analyticMatmul, m.path("profile_flops_expected_per_iter").asLong(), "an MLP: every product is visible");
        assertEquals(1.0, m.path("profile_flops_ratio").asDouble(), 0.01);
        assertTrue(Files.size(dir.resolve("traces").resolve(spec.id() + ".json")) > 0);
        assertTrue(m.path("probe_overhead_fraction").asDouble() < 0.02, "probe overhead " + m.path("probe_overhead_fraction"));
        // the profiled window's time is recorded apart from the training time
        assertEquals(2, m.path("profiled_iterations").asInt());
        assertTrue(m.path("profile_window_s").asDouble() > 0, m.toString());
        // what the host did meanwhile
        assertTrue(m.path("host_busy_cpus").asDouble() > 0, m.toString());
        assertTrue(m.has("host_other_cpus") && m.has("cpu_steal_fraction"), m.toString());
    }

    /**
     * The profiler cross-check compares like with like on a convolutional network and a Transformer too. Before, the
     * analytic side counted the convolutions' backward, which Kineto gives 0 FLOPs (ratio 0.31 on Conv-4), and left
     * checkpointing's recomputed forwards out (0.59).
     */
    @Test
    void profilerAndAnalyticCountAgreeOnConv4ResNet12AndViT(@TempDir Path dir) throws Exception {
        System.setProperty(Calibration.CACHE_PROPERTY, dir.resolve("calibration.json").toString());
        System.setProperty(TrialMeasurements.NO_MFU_PROPERTY, "true");
        try {
            for (String[] c : new String[][]{{"conv4", "fomaml", "off"}, {"conv4", "protonet", "off"}, {"conv4", "fomaml", "on"},
                    {"vit", "maml", "off"}, {"resnet12", "protonet", "off"}}) {
                TechniqueSpec techniques = new TechniqueSpec("fp32", c[2].equals("on") ? 2 : 0, 1);
                ModelSpec model = c[0].equals("conv4") ? new ModelSpec("conv4", "", List.of(), 8) : new ModelSpec(c[0], "tiny", List.of(), 0);
                TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 3), model,
                        new AlgorithmSpec(c[1], 0.4, 1, 1, 0.005, 2), new TrainSpec(4, 3), new EvalSpec(2, 1000, "synthetic"),
                        techniques, 0, 600, "none");
                TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });
                JsonNode m = Json.MAPPER.valueToTree(result).path("metrics");
                String what = String.join(" ", c) + ": " + m.path("profile_flops_matmul_per_iter") + " counted, "
                        + m.path("profile_flops_expected_per_iter") + " expected " + m.path("profile_flops_check_absent").asText("");
                assertEquals(1.0, m.path("profile_flops_ratio").asDouble(), 0.02, what);
            }
        } finally {
            System.clearProperty(TrialMeasurements.NO_MFU_PROPERTY);
        }
    }

    @Test
    void profiledIterationsAreNeitherTrainingTimeNorTimedSamples() throws Exception {
        IterationTimer timer = new IterationTimer(5, 3);
        for (int it = 0; it < 5; it++) {
            timer.begin();
            Thread.sleep(it == 1 || it == 2 ? 60 : 5); // iterations 1 and 2 run under the (slow) profiler
            timer.end(it == 1 || it == 2);
        }
        assertEquals(2, timer.profiledIterations());
        assertTrue(timer.profiledSeconds() >= 0.12, "profiled " + timer.profiledSeconds());
        assertTrue(timer.totalSeconds() < 0.1, "training time holds the 3 unprofiled iterations only: " + timer.totalSeconds());
        assertEquals(2, timer.samples().length, "the 2 iterations after the 3 warm-up ones are timed");
    }
}

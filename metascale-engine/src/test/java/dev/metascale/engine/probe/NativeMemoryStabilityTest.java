package dev.metascale.engine.probe;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every iteration's native memory is scoped: 2,000 MAML steps must not grow the resident set. */
class NativeMemoryStabilityTest {

    @Test
    void residentSetStaysFlatOver2000Iterations() {
        TorchRuntime.configure(1);
        Model model = new Mlp(64, List.of(32));
        Maml maml = new Maml(model, model.init(0, 5, torch.ScalarType.Float), 0.1, 1, 1, 1e-3);
        long[] labels = new long[10];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / 2;
        }
        long rssAfterWarmup = 0;
        for (int it = 0; it < 2000; it++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor sx = torch.randn(new long[]{10, 1, 8, 8}, new TensorOptions(torch.ScalarType.Float));
                Tensor qx = torch.randn(new long[]{10, 1, 8, 8}, new TensorOptions(torch.ScalarType.Float));
                Tensor y = ArrayTensors.longs(labels, 10);
                maml.metaStep(List.of(new Episode(sx, y, qx, y, 5, new long[]{0, 1, 2, 3, 4})));
            }
            if (it == 199) {
                System.gc();
                rssAfterWarmup = ProcessMemory.rssBytes().orElseThrow();
            }
        }
        System.gc();
        long growth = ProcessMemory.rssBytes().orElseThrow() - rssAfterWarmup;
        assertTrue(growth < 32L << 20, "RSS grew by " + (growth >> 20) + " MiB over 1,800 scoped iterations");
    }

    @Test
    void peakResetFollowsCurrentResidentSet() {
        byte[][] hold = new byte[64][];
        for (int i = 0; i < hold.length; i++) {
            hold[i] = new byte[1 << 20];
            java.util.Arrays.fill(hold[i], (byte) 1);
        }
        hold = null;
        System.gc();
        long before = ProcessMemory.peakRssBytes().orElseThrow();
        assertTrue(ProcessMemory.resetPeak(), "writing /proc/self/clear_refs failed");
        long after = ProcessMemory.peakRssBytes().orElseThrow();
        long rss = ProcessMemory.rssBytes().orElseThrow();
        assertTrue(after <= before + (8L << 20), "a reset must not raise the peak (beyond what the JVM touched meanwhile)");
        assertTrue(Math.abs(after - rss) < 16L << 20, "after a reset the peak follows the current RSS: peak " + after + ", rss " + rss);
    }
}

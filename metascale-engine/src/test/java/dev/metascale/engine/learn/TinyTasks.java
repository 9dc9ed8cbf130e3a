package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ArrayTensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Small random episodes of 4×4 "images" for gradient tests. */
final class TinyTasks {
    private TinyTasks() {
    }

    static List<Episode> make(int count, int ways, int shots, int query, long seed, torch.ScalarType dtype) {
        torch.manual_seed(seed);
        List<Episode> tasks = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            Tensor sx = torch.randn(new long[]{(long) ways * shots, 1, 4, 4}, new TensorOptions(dtype));
            Tensor qx = torch.randn(new long[]{(long) ways * query, 1, 4, 4}, new TensorOptions(dtype));
            tasks.add(new Episode(sx, labels(ways, shots), qx, labels(ways, query), ways, ids(ways)));
        }
        return tasks;
    }

    static Tensor labels(int ways, int perClass) {
        long[] y = new long[ways * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / perClass;
        }
        return ArrayTensors.longs(y, y.length);
    }

    private static long[] ids(int ways) {
        long[] ids = new long[ways];
        for (int i = 0; i < ways; i++) {
            ids[i] = i;
        }
        return ids;
    }
}

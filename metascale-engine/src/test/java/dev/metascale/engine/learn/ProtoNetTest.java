package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProtoNetTest {
    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    @Test
    void logitsAreNegativeSquaredDistancesToClassMeans() {
        try (PointerScope scope = new PointerScope()) {
            // 2 classes × 2 support examples in 3-d feature space, 3 queries.
            float[] support = {1, 0, 0, 3, 0, 0, 0, 2, 2, 0, 4, 0};
            long[] labels = {0, 0, 1, 1};
            float[] query = {2, 0, 0, 0, 3, 1, 1, 1, 1};
            Tensor protos = ProtoNet.prototypes(ArrayTensors.floats(support, 4, 3), ArrayTensors.longs(labels, 4), 2);
            double[] logits = ArrayTensors.toDoubles(ProtoNet.logits(ArrayTensors.floats(query, 3, 3), protos));

            double[][] c = {{2, 0, 0}, {0, 3, 1}}; // class means by hand
            for (int q = 0; q < 3; q++) {
                for (int k = 0; k < 2; k++) {
                    double d = 0;
                    for (int j = 0; j < 3; j++) {
                        double diff = query[q * 3 + j] - c[k][j];
                        d += diff * diff;
                    }
                    assertEquals(-d, logits[q * 2 + k], 1e-5, "logit of query " + q + " class " + k);
                }
            }
        }
    }
}

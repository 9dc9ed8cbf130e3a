package dev.metascale.engine.technique;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskChunksTest {
    private static final Model MLP = new Mlp(16, List.of(8, 6));

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static final List<Integer> CHUNKS = List.of(2, 3, 5, 8);

    /** 5 tasks: chunks of 2 and 3 leave a partial last chunk, 5 and 8 take the batch whole. */
    private static List<Episode> tasks() {
        return GradientFixtures.tasks(5, 3, 2, 3, 4, 29);
    }

    private static double[] maml(boolean firstOrder, int chunk, double[] loss) {
        return GradientFixtures.mamlMetaGradient(MLP, firstOrder, new TrainingTechniques(0, chunk), tasks(), loss);
    }

    private static double[] protoNet(int chunk, double[] loss) {
        return GradientFixtures.protoNetMetaGradient(MLP, new TrainingTechniques(0, chunk), tasks(), loss);
    }

    @Test
    void chunkedAndUnchunkedMetaGradientsAreEqual() {
        try (PointerScope scope = new PointerScope()) {
            double[] plainLoss = new double[1];
            double[] chunkedLoss = new double[1];
            for (boolean firstOrder : new boolean[]{false, true}) {
                double[] plain = maml(firstOrder, 0, plainLoss);
                for (int chunk : CHUNKS) {
                    double error = relativeError(maml(firstOrder, chunk, chunkedLoss), plain);
                    assertTrue(error < 1e-12, (firstOrder ? "fomaml" : "maml") + " chunk " + chunk + ": relative error " + error);
                    assertEquals(plainLoss[0], chunkedLoss[0], 1e-12);
                }
            }
            double[] plain = protoNet(0, plainLoss);
            for (int chunk : CHUNKS) {
                double error = relativeError(protoNet(chunk, chunkedLoss), plain);
                assertTrue(error < 1e-12, "protonet chunk " + chunk + ": relative error " + error);
                assertEquals(plainLoss[0], chunkedLoss[0], 1e-12);
            }
        }
    }
}

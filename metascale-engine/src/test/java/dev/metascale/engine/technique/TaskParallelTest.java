package dev.metascale.engine.technique;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.metascale.engine.technique.GradientFixtures.F64;
import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Task parallelism computes the meta-gradient of the sequential loop, reproducibly, and reports a task's failure. */
class TaskParallelTest {
    private static final Model MLP = new Mlp(16, List.of(8, 6));

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(2);
    }

    @AfterAll
    static void tearDown() {
        TorchRuntime.configure(1);
    }

    /** 5 tasks: 2 and 3 workers get unequal shares, 8 workers are capped at the 5 tasks. */
    private static List<Episode> tasks() {
        return GradientFixtures.tasks(5, 3, 2, 3, 4, 31);
    }

    private static double[] maml(boolean firstOrder, int parallel, double[] loss) {
        return GradientFixtures.mamlMetaGradient(MLP, firstOrder, new TrainingTechniques(0, 0, parallel), tasks(), loss);
    }

    private static double[] protoNet(int parallel, double[] loss) {
        return GradientFixtures.protoNetMetaGradient(MLP, new TrainingTechniques(0, 0, parallel), tasks(), loss);
    }

    @Test
    void parallelAndSequentialMetaGradientsAreEqual() {
        try (PointerScope scope = new PointerScope()) {
            double[] plainLoss = new double[1];
            double[] parallelLoss = new double[1];
            for (boolean firstOrder : new boolean[]{false, true}) {
                double[] plain = maml(firstOrder, 0, plainLoss);
                for (int workers : List.of(2, 3, 8)) {
                    double error = relativeError(maml(firstOrder, workers, parallelLoss), plain);
                    assertTrue(error < 1e-12, (firstOrder ? "fomaml" : "maml") + " with " + workers + " workers: relative error " + error);
                    assertEquals(plainLoss[0], parallelLoss[0], 1e-12);
                }
            }
            double[] plain = protoNet(0, plainLoss);
            for (int workers : List.of(2, 3)) {
                double error = relativeError(protoNet(workers, parallelLoss), plain);
                assertTrue(error < 1e-12, "protonet with " + workers + " workers: relative error " + error);
                assertEquals(plainLoss[0], parallelLoss[0], 1e-12);
            }
        }
    }

    @Test
    void theSumIsReproducibleWhateverTheThreadTiming() {
        try (PointerScope scope = new PointerScope()) {
            double[] loss = new double[1];
            double[] first = maml(false, 2, loss);
            for (int run = 0; run < 3; run++) {
                assertArrayEquals(first, maml(false, 2, loss), 0.0, "run " + run + " differs bitwise from the first");
            }
        }
    }

    @Test
    void eachTaskThreadUsesItsShareOfTheIntraOpThreads() {
        assertEquals(1, TaskParallel.threadsPerWorker(2));
        assertEquals(1, TaskParallel.threadsPerWorker(4));
    }

    @Test
    void aFailingTaskFailsTheStepWithItsOwnMessage() {
        try (PointerScope scope = new PointerScope()) {
            Maml learner = new Maml(MLP, MLP.init(2, 3, F64), 0.4, 2, 2, 1e-3, new TrainingTechniques(0, 0, 2));
            List<Episode> tasks = tasks();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TaskParallel.backward(tasks, 2, learner.parameters(), (Episode task) -> {
                        if (task == tasks.get(3)) {
                            throw new IllegalStateException("task 3 is broken");
                        }
                        return learner.taskMetaLoss(task);
                    }));
            assertEquals("task 3 is broken", e.getMessage());
            // the pool survives a failed step
            learner.zeroGrad();
            double loss = TaskParallel.backward(tasks, 2, learner.parameters(), (Episode task) -> learner.taskMetaLoss(task));
            assertTrue(Double.isFinite(loss));
            Tensor g = learner.parameters().tensors().get(0).grad();
            assertTrue(g.defined(), "the meta-gradient reached .grad");
        }
    }
}

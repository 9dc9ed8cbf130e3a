package dev.metascale.engine.learn;

import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamVectors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReptileTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    @Test
    void metaStepMovesWeightsTowardTheMeanAdaptedWeightsByEpsilon() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            double epsilon = 0.3;
            Reptile reptile = new Reptile(model, model.init(3, 3, F64), 0.2, 4, 4, epsilon);
            List<Episode> tasks = TinyTasks.make(3, 3, 2, 3, 11, F64);

            double[] before = ParamVectors.values(reptile.parameters());
            List<double[]> adapted = new ArrayList<>();
            for (Episode task : tasks) {
                Tensor[] data = Reptile.taskData(task);
                adapted.add(ParamVectors.values(reptile.adapt(reptile.parameters(), data[0], data[1], 4)));
            }
            reptile.metaStep(tasks);
            double[] after = ParamVectors.values(reptile.parameters());

            double moved = 0;
            for (int i = 0; i < before.length; i++) {
                double mean = 0;
                for (double[] phi : adapted) {
                    mean += (phi[i] - before[i]) / adapted.size();
                }
                double expected = before[i] + epsilon * mean;
                assertEquals(expected, after[i], 1e-12, "θ_" + i + " ← θ + ε·mean(φ_i − θ)");
                moved += Math.abs(after[i] - before[i]);
            }
            assertTrue(moved > 1e-3, "the inner loop should have changed the weights");
        }
    }

    @Test
    void withOneTaskTheDistanceToTheAdaptedWeightsShrinksByOneMinusEpsilon() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            double epsilon = 0.25;
            Reptile reptile = new Reptile(model, model.init(4, 3, F64), 0.3, 3, 3, epsilon);
            List<Episode> tasks = TinyTasks.make(1, 3, 2, 3, 12, F64);
            Tensor[] data = Reptile.taskData(tasks.get(0));
            double[] phi = ParamVectors.values(reptile.adapt(reptile.parameters(), data[0], data[1], 3));
            double before = distance(ParamVectors.values(reptile.parameters()), phi);
            reptile.metaStep(tasks);
            double after = distance(ParamVectors.values(reptile.parameters()), phi);
            assertEquals((1 - epsilon) * before, after, 1e-10 * before);
        }
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}

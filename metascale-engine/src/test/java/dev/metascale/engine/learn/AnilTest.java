package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.ParamVectors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnilTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    @Test
    void innerLoopChangesOnlyTheHead() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            Anil anil = new Anil(model, model.init(3, 3, F64), 0.5, 3, 3, 1e-3);
            ParamSet theta = anil.parameters();
            ParamSet adapted = anil.adapt(TinyTasks.make(1, 3, 2, 3, 11, F64).get(0), 3, true);
            for (String name : theta.names()) {
                double[] before = ArrayTensors.toDoubles(theta.get(name).detach());
                double[] after = ArrayTensors.toDoubles(adapted.get(name).detach());
                if (name.startsWith(LinearHead.PREFIX)) {
                    assertTrue(distance(before, after) > 1e-3, name + " should be adapted by the inner loop");
                } else {
                    assertSame(theta.get(name), adapted.get(name), name + " must be the meta-parameter itself");
                    assertArrayEquals(before, after, 0.0);
                }
            }
        }
    }

    @Test
    void metaGradientOfBodyAndHeadMatchesFiniteDifferences() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            Anil anil = new Anil(model, model.init(5, 3, F64), 0.5, 2, 2, 1e-3);
            List<Episode> tasks = TinyTasks.make(2, 3, 2, 3, 13, F64);
            anil.zeroGrad();
            anil.accumulateMetaGradient(tasks);
            double[] analytic = ParamVectors.grads(anil.parameters());
            double[] numeric = MetaGradientCheck.finiteDifferences(anil.parameters(),
                    () -> MetaGradientCheck.meanMetaLoss(anil::taskMetaLoss, tasks), 1e-6);
            double error = ParamVectors.relativeError(analytic, numeric);
            assertTrue(error < 1e-5, "ANIL meta-gradient vs finite differences: " + error);
            double bodyGradient = 0;
            for (String name : anil.parameters().names()) {
                if (!name.startsWith(LinearHead.PREFIX)) {
                    bodyGradient += java.util.Arrays.stream(ArrayTensors.toDoubles(anil.parameters().get(name).grad())).map(Math::abs).sum();
                }
            }
            assertNotEquals(0.0, bodyGradient, "the body learns in the outer loop");
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

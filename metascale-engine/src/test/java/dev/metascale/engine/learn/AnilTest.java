package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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
            List<Double> analytic = new ArrayList<>();
            List<Double> numeric = new ArrayList<>();
            double h = 1e-6;
            double bodyGradient = 0;
            for (int k = 0; k < anil.parameters().size(); k++) {
                Tensor p = anil.parameters().tensors().get(k);
                double[] g = ArrayTensors.toDoubles(p.grad());
                Tensor flat = p.detach().view(-1);
                for (long i = 0; i < flat.numel(); i++) {
                    double original = flat.get(i).item_double();
                    set(flat, i, original + h);
                    double plus = metaLoss(anil, tasks);
                    set(flat, i, original - h);
                    double minus = metaLoss(anil, tasks);
                    set(flat, i, original);
                    analytic.add(g[(int) i]);
                    numeric.add((plus - minus) / (2 * h));
                    if (!anil.parameters().names().get(k).startsWith(LinearHead.PREFIX)) {
                        bodyGradient += Math.abs(g[(int) i]);
                    }
                }
            }
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < analytic.size(); i++) {
                diff += Math.pow(analytic.get(i) - numeric.get(i), 2);
                norm += Math.pow(numeric.get(i), 2);
            }
            assertTrue(Math.sqrt(diff / norm) < 1e-5, "ANIL meta-gradient vs finite differences: " + Math.sqrt(diff / norm));
            assertNotEquals(0.0, bodyGradient, "the body learns in the outer loop");
        }
    }

    private static double metaLoss(Anil anil, List<Episode> tasks) {
        double total = 0;
        for (Episode t : tasks) {
            total += anil.taskMetaLoss(t).item_double() / tasks.size();
        }
        return total;
    }

    private static void set(Tensor flat, long i, double value) {
        try (NoGradGuard guard = new NoGradGuard()) {
            flat.get(i).fill_(new Scalar(value));
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

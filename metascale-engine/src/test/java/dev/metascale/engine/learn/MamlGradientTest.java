package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MamlGradientTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static double[] grads(ParamSet p) {
        List<Double> out = new ArrayList<>();
        for (Tensor t : p.tensors()) {
            for (double v : ArrayTensors.toDoubles(t.grad())) {
                out.add(v);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    @Test
    void secondOrderMetaGradientMatchesCentralFiniteDifferences() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            Maml maml = new Maml(model, model.init(3, 3, F64), 0.5, 2, 2, 1e-3);
            List<Episode> tasks = TinyTasks.make(2, 3, 2, 3, 11, F64);
            maml.zeroGrad();
            maml.accumulateMetaGradient(tasks);
            double[] analytic = grads(maml.parameters());

            double h = 1e-6;
            double[] numeric = new double[analytic.length];
            int k = 0;
            for (Tensor p : maml.parameters().tensors()) {
                Tensor flat = p.detach().view(-1); // shares storage with the parameter
                for (long i = 0; i < flat.numel(); i++) {
                    double original = flat.get(i).item_double();
                    set(flat, i, original + h);
                    double plus = metaLoss(maml, tasks);
                    set(flat, i, original - h);
                    double minus = metaLoss(maml, tasks);
                    set(flat, i, original);
                    numeric[k++] = (plus - minus) / (2 * h);
                }
            }
            double error = relativeError(analytic, numeric);
            assertTrue(error < 1e-4, "relative error of the MAML meta-gradient vs finite differences: " + error);
        }
    }

    private static void set(Tensor flat, long i, double value) {
        try (NoGradGuard guard = new NoGradGuard()) {
            flat.get(i).fill_(new Scalar(value));
        }
    }

    private static double metaLoss(Maml maml, List<Episode> tasks) {
        double total = 0;
        for (Episode t : tasks) {
            total += maml.taskMetaLoss(t).item_double() / tasks.size();
        }
        return total;
    }

    @Test
    void firstOrderEqualsMamlWithDetachedInnerGradients() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            List<Episode> tasks = TinyTasks.make(2, 3, 2, 3, 5, F64);
            double lr = 0.5;
            int steps = 3;

            FoMaml fo = new FoMaml(model, model.init(7, 3, F64), lr, steps, steps, 1e-3);
            fo.zeroGrad();
            fo.accumulateMetaGradient(tasks);
            double[] firstOrder = grads(fo.parameters());

            // The same inner loop written out with the inner gradients detached by hand.
            ParamSet theta = model.init(7, 3, F64);
            for (Episode task : tasks) {
                ParamSet fast = theta;
                for (int s = 0; s < steps; s++) {
                    Tensor loss = Losses.crossEntropy(model.logits(fast, task.supportX()), task.supportY());
                    TensorVector g = torch.grad(new TensorVector(loss), fast.vector(), new TensorVector(), new BoolOptional(true), true, false);
                    List<Tensor> next = new ArrayList<>();
                    for (int i = 0; i < fast.size(); i++) {
                        next.add(fast.tensors().get(i).sub(new Tensor(g.get(i)).detach(), new Scalar(lr)));
                    }
                    fast = new ParamSet(fast.names(), next);
                }
                Losses.crossEntropy(model.logits(fast, task.queryX()), task.queryY()).mul(new Scalar(1.0 / tasks.size())).backward();
            }
            double[] detached = grads(theta);
            assertTrue(relativeError(firstOrder, detached) < 1e-12, "FOMAML differs from MAML with detached inner gradients");

            Maml second = new Maml(model, model.init(7, 3, F64), lr, steps, steps, 1e-3);
            second.zeroGrad();
            second.accumulateMetaGradient(tasks);
            assertTrue(relativeError(grads(second.parameters()), firstOrder) > 1e-3,
                    "second-order terms should change the meta-gradient on this problem");
        }
    }

    @Test
    void fineTuneHeadOnlyUsesHeadParameters() {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(6));
            ParamSet p = model.init(1, 4, F64);
            assertTrue(p.has(LinearHead.WEIGHT) && p.has("layer0.weight"));
            assertTrue(p.count() == 16 * 6 + 6 + 6 * 4 + 4);
        }
    }
}

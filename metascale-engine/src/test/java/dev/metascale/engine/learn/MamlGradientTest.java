package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.metascale.engine.torch.ParamVectors.grads;
import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MamlGradientTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
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

            double[] numeric = MetaGradientCheck.finiteDifferences(maml, tasks, 1e-6);
            double error = relativeError(analytic, numeric);
            assertTrue(error < 1e-4, "relative error of the MAML meta-gradient vs finite differences: " + error);
        }
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

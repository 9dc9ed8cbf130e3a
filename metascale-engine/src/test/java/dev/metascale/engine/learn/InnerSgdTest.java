package dev.metascale.engine.learn;

import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast inner step ({@link InnerSgd#differentiableStep}, p.add(g, −α)) must give bitwise the fast weights
 * and the second-order meta-gradient of the plain formulation p.sub(g, α), which it replaced for speed.
 */
class InnerSgdTest {

    @Test
    void differentiableStepIsBitwiseThePlainSubtraction() {
        for (Model model : List.of(new Mlp(256, List.of(8, 8)), new Conv4(1, 4, 16, 16))) {
            try (PointerScope scope = new PointerScope()) {
                ParamSet params = model.init(3, 3, torch.ScalarType.Float);
                torch.manual_seed(11);
                Episode task = new Episode(torch.randn(6, 1, 16, 16), TinyTasks.labels(3, 2), torch.randn(12, 1, 16, 16),
                        TinyTasks.labels(3, 4), 3, new long[]{0, 1, 2});
                ParamSet fast = params;
                ParamSet plain = params;
                for (int s = 0; s < 2; s++) {
                    fast = InnerSgd.differentiableStep(fast, supportLoss(model, fast, task), 0.37);
                    plain = subStep(plain, supportLoss(model, plain, task), 0.37);
                }
                for (int i = 0; i < params.size(); i++) {
                    assertTrue(torch.equal(fast.tensors().get(i), plain.tensors().get(i)), "fast weight " + params.names().get(i));
                }
                List<Tensor> g1 = metaGradient(model, params, fast, task);
                List<Tensor> g2 = metaGradient(model, params, plain, task);
                for (int i = 0; i < params.size(); i++) {
                    assertTrue(torch.equal(g1.get(i), g2.get(i)), "meta-gradient " + params.names().get(i) + " of " + model.name());
                    assertTrue(g1.get(i).abs().sum().item_double() > 0, "meta-gradient " + params.names().get(i) + " is zero");
                }
            }
        }
    }

    private static Tensor supportLoss(Model model, ParamSet p, Episode task) {
        return Losses.crossEntropy(model.logits(p, task.supportX()), task.supportY());
    }

    private static ParamSet subStep(ParamSet p, Tensor loss, double lr) {
        List<Tensor> g = InnerSgd.gradients(loss, p, true);
        List<Tensor> next = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            next.add(p.tensors().get(i).sub(g.get(i), new Scalar(lr)));
        }
        return new ParamSet(p.names(), next);
    }

    private static List<Tensor> metaGradient(Model model, ParamSet params, ParamSet fast, Episode task) {
        Tensor query = Losses.crossEntropy(model.logits(fast, task.queryX()), task.queryY());
        TensorVector g = torch.grad(new TensorVector(query), params.vector(), new TensorVector(), new BoolOptional(true), false, false);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            out.add(new Tensor(g.get(i)));
        }
        return out;
    }
}

package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/** The linear classifier on top of a backbone: {@code logits = features · Wᵀ + b}. */
public final class LinearHead {
    public static final String WEIGHT = "head.weight";
    public static final String BIAS = "head.bias";
    public static final String PREFIX = "head.";

    private LinearHead() {
    }

    public static Tensor apply(ParamSet params, Tensor features) {
        return torch.linear(features, params.get(WEIGHT), new TensorOptional(params.get(BIAS)));
    }

    /**
     * The head of many tasks at once: features [tasks, batch, featureDim], {@code head.weight} [tasks, outputs,
     * featureDim], {@code head.bias} [tasks, outputs]; logits [tasks, batch, outputs] by one batched product.
     */
    public static Tensor applyPerTask(ParamSet params, Tensor features) {
        return torch.baddbmm(params.get(BIAS).unsqueeze(1), features, params.get(WEIGHT).transpose(1, 2));
    }

    /** A head initialised uniformly in ±1/sqrt(featureDim) (PyTorch's nn.Linear), or zeros. */
    public static ParamSet create(int featureDim, int outputs, torch.ScalarType dtype, boolean zero) {
        Tensor w;
        Tensor b;
        if (zero) {
            w = torch.zeros(new long[]{outputs, featureDim}, dev.metascale.engine.torch.TrialDevice.options(dtype));
            b = torch.zeros(new long[]{outputs}, dev.metascale.engine.torch.TrialDevice.options(dtype));
        } else {
            double bound = 1.0 / Math.sqrt(featureDim);
            w = Init.uniform(new long[]{outputs, featureDim}, bound, dtype);
            b = Init.uniform(new long[]{outputs}, bound, dtype);
        }
        return new ParamSet(List.of(WEIGHT, BIAS), List.of(Init.leaf(w), Init.leaf(b)));
    }
}

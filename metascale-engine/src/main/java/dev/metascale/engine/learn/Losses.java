package dev.metascale.engine.learn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Loss functions used by the learners. */
public final class Losses {
    private Losses() {
    }

    /** Mean cross-entropy of logits [n, classes] against int64 labels [n] (fused log-softmax + NLL). */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return torch.cross_entropy_loss(logits, labels);
    }

    /** Mean cross-entropy of logits [n, classes] against labels [n] as a number, without a graph (evaluation). */
    public static double meanCrossEntropy(dev.metascale.engine.model.Model model, dev.metascale.engine.torch.ParamSet params,
                                          Tensor x, Tensor labels) {
        try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
            return crossEntropy(model.logits(params, x), labels).item_double();
        }
    }

    /** Predicted class per row of logits. */
    public static long[] argmax(Tensor logits) {
        return dev.metascale.engine.torch.ArrayTensors.toLongs(logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false));
    }
}

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

    /** Predicted class per row of logits. */
    public static long[] argmax(Tensor logits) {
        return dev.metascale.engine.torch.ArrayTensors.toLongs(logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false));
    }
}

package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;

/**
 * Block {@code i} of a model's features as a function of the weights and the block's input: {@link Model#featureBlock}
 * (one task), or a batched form of it ({@link Model#sharedTaskFeatureBlock}, {@link Model#taskFeatureBlock}: a
 * meta-batch's tasks as one computation). What activation checkpointing groups into segments and recomputes.
 */
@FunctionalInterface
public interface FeatureBlock {
    Tensor apply(ParamSet params, int i, Tensor x);

    /** Blocks {@code from} … {@code to − 1} in order, from the input of block {@code from}. */
    default Tensor run(ParamSet params, int from, int to, Tensor x) {
        Tensor a = x;
        for (int b = from; b < to; b++) {
            a = apply(params, b, a);
        }
        return a;
    }
}

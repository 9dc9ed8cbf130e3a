package dev.metascale.engine.model;

import org.bytedeco.pytorch.Tensor;

/**
 * A function applied to the output of each block of a model (the insertion point of an adapter).
 * Activations are channel-first feature maps [batch, channels, h, w], token sequences
 * [batch, tokens, width] or vectors [batch, width]; see {@link BlockShape#channelDim()}.
 */
@FunctionalInterface
public interface BlockHook {
    /** Leaves every block's output as it is. */
    BlockHook IDENTITY = (block, activations) -> activations;

    Tensor apply(int block, Tensor activations);
}

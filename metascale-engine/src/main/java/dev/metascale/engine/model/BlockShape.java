package dev.metascale.engine.model;

/**
 * The output of one block of a model, per example: {@code width} features at each of
 * {@code positions} positions (pixels of a feature map, tokens of a sequence, or 1 for a vector),
 * the features along dimension {@code channelDim} of the activation tensor.
 */
public record BlockShape(int width, long positions, int channelDim) {
    /** A vector [batch, width]. */
    public static BlockShape vector(int width) {
        return new BlockShape(width, 1, 1);
    }

    /** A channel-first feature map [batch, width, h, w]. */
    public static BlockShape map(int width, long h, long w) {
        return new BlockShape(width, h * w, 1);
    }

    /** A token sequence [batch, tokens, width]. */
    public static BlockShape tokens(int width, long tokens) {
        return new BlockShape(width, tokens, 2);
    }
}

package dev.metascale.core.component;

/**
 * What one example of a few-shot data set is, and so how an episode's tensors are built and
 * which models can read it. Every example is stored as {@code height * width} floats.
 */
public enum Modality {
    /**
     * A single-channel image, {@code height x width} pixels in [0, 1]; episodes carry float tensors
     * [n, 1, height, width] and one class label per example.
     */
    IMAGE,
    /**
     * A token sequence of {@code width} ids ({@code height} = 1), padded with id 0, for text
     * classification; episodes carry int64 tensors [n, width] and one class label per example.
     * Ids are stored exactly as floats (any vocabulary below 2^24).
     */
    TOKENS,
    /**
     * A window of {@code width} = T + 1 character ids ({@code height} = 1) of a language-model task;
     * episodes carry the first T ids as int64 inputs [n, T] and the next-character targets, flattened
     * to [n * T], as labels: a model's logits [n * T, vocabulary] meet them in the same cross-entropy
     * as a classifier's. the data set's vocabulary size gives the vocabulary.
     */
    CHARACTER_WINDOWS
}

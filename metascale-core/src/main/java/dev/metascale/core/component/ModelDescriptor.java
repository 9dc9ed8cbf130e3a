package dev.metascale.core.component;

/**
 * A model a suite can name ({@code model.arch}).
 *
 * @param name             the suite name
 * @param description      one line for `metascale list`
 * @param reads            the examples it reads
 * @param featureBlocks    it exposes its feature blocks, so activation checkpointing can segment it
 * @param maxFrozenLayers  the most lower layers {@code model.frozen_layers} may hold constant (0: none)
 * @param batchedTasks     it computes a meta-batch's tasks as one batched computation, each task with its own weights
 *                         ({@code techniques.vectorize_tasks})
 */
public record ModelDescriptor(String name, String description, Modality reads, boolean featureBlocks, int maxFrozenLayers,
                              boolean batchedTasks) {
    /** A model that computes its tasks one at a time. */
    public ModelDescriptor(String name, String description, Modality reads, boolean featureBlocks, int maxFrozenLayers) {
        this(name, description, reads, featureBlocks, maxFrozenLayers, false);
    }
}

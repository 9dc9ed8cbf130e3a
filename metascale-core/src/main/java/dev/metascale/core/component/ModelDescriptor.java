package dev.metascale.core.component;

/**
 * A model a suite can name ({@code model.arch}).
 *
 * @param name             the suite name
 * @param description      one line for `metascale list`
 * @param reads            the examples it reads
 * @param featureBlocks    it exposes its feature blocks, so activation checkpointing can segment it
 * @param maxFrozenLayers  the most lower layers {@code model.frozen_layers} may hold constant (0: none)
 */
public record ModelDescriptor(String name, String description, Modality reads, boolean featureBlocks, int maxFrozenLayers) {
}

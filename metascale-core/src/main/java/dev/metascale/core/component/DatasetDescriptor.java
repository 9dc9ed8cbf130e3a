package dev.metascale.core.component;

/**
 * A data set a suite can name ({@code dataset}, {@code eval.dataset}).
 *
 * @param name        the suite name
 * @param description one line for `metascale list`: source, classes, how it installs
 * @param holds       the examples it holds, and so which models can read it
 */
public record DatasetDescriptor(String name, String description, Modality holds) {
}

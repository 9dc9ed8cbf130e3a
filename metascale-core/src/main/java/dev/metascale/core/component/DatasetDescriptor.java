package dev.metascale.core.component;

/**
 * A data set a suite can name ({@code dataset}, {@code eval.dataset}).
 *
 * @param name        the suite name
 * @param description one line for `metascale list`: source, classes, how it installs
 * @param holds       the examples it holds, and so which models can read it
 * @param sources     the environment variables that say which data it reads (a user's folder or table; the first
 *                    names a path): part of a trial's identity, so a resume never takes another folder's trials as done
 */
public record DatasetDescriptor(String name, String description, Modality holds, java.util.List<String> sources) {
    public DatasetDescriptor {
        sources = java.util.List.copyOf(sources);
    }

    /** A data set that installs from a package (its content is fixed by its version). */
    public DatasetDescriptor(String name, String description, Modality holds) {
        this(name, description, holds, java.util.List.of());
    }
}

package dev.metascale.core.spec;

import java.io.IOException;
import java.nio.file.Path;

/** Reads a suite YAML file, validates it and expands its grid into trials. */
public final class SuiteLoader {
    private SuiteLoader() {
    }

    /**
     * @throws InvalidSuiteException with every problem found, each located by line and column
     * @throws IOException           when the file cannot be read
     */
    public static Suite load(Path file) throws InvalidSuiteException, IOException {
        throw new UnsupportedOperationException("TODO: suite loader");
    }
}

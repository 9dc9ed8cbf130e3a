package dev.metascale.cli;

import dev.metascale.core.spec.InvalidSuiteException;
import dev.metascale.core.spec.SpecError;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.SuiteLoader;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loading a suite for a command: problems go to stderr, one line each. */
final class SuiteFiles {
    private SuiteFiles() {
    }

    /** The suite, or null after printing why it is invalid or unreadable. */
    static Suite load(Path file, PrintWriter err) throws IOException {
        if (Files.isDirectory(file)) {
            err.println(file + ": is a directory, not a suite file; give the path of a suite YAML"
                    + (Files.isRegularFile(file.resolve("quick.yaml")) ? " such as " + file.resolve("quick.yaml") : " (see suites/)"));
            return null;
        }
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such suite file; give the path of a suite YAML (see suites/)");
            return null;
        }
        try {
            return SuiteLoader.load(file);
        } catch (InvalidSuiteException e) {
            for (SpecError error : e.errors()) {
                err.println(error.format());
            }
            return null;
        }
    }
}

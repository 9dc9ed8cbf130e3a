package dev.metascale.cli.runner;

import java.io.IOException;
import java.nio.file.Path;

/** Writes the report of a run directory: normally {@code ReportWriter::write}. */
@FunctionalInterface
public interface ReportStep {
    /** @return the path of the written {@code index.html} */
    Path write(Path runDir) throws IOException;
}

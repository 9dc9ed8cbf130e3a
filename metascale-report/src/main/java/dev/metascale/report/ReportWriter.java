package dev.metascale.report;

import java.io.IOException;
import java.nio.file.Path;

/** Writes {@code DIR/report/} (index.html, summary.md, results.csv, charts) from {@code DIR/results.jsonl}. */
public final class ReportWriter {
    private ReportWriter() {
    }

    /** @return the path of the written {@code index.html} */
    public static Path write(Path runDir) throws IOException {
        throw new UnsupportedOperationException("TODO: report");
    }
}

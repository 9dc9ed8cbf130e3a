package dev.metascale.cli;

import dev.metascale.core.result.ResultStore;
import dev.metascale.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code report DIR}: (re)writes the report of a run directory. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes DIR/report/ (index.html, summary.md, results.csv, charts) from DIR/results.jsonl.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "run directory holding results.jsonl")
    Path runDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!new ResultStore(runDir).exists()) {
            spec.commandLine().getErr().println(runDir + " holds no " + ResultStore.FILE_NAME
                    + "; give the --out directory of a run");
            return Main.EXIT_INVALID;
        }
        Path index = ReportWriter.write(runDir);
        spec.commandLine().getOut().println(index);
        return Main.EXIT_OK;
    }
}

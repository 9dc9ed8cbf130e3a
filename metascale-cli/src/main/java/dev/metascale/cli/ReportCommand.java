package dev.metascale.cli;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.RunRecords;
import dev.metascale.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code report DIR [DIR ...]}: (re)writes the report of a run, its shards and further directories read as one. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes DIR/report/ (index.html, summary.md, results.csv, charts) from DIR/results.jsonl and its"
                + " shards' (DIR/shard-I-of-N/results.jsonl); with several directories, all of them as one run, de-duplicated"
                + " by trial id, into the first one's report/.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "run directories (each holds results.jsonl or shard-*/results.jsonl)")
    java.util.List<Path> runDirs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (Path runDir : runDirs) {
            if (!RunRecords.exist(runDir)) {
                spec.commandLine().getErr().println(runDir + " holds no " + ResultStore.FILE_NAME
                        + " (nor shard-*/" + ResultStore.FILE_NAME + "); give the --out directory of a run");
                return Main.EXIT_INVALID;
            }
        }
        Path index = ReportWriter.write(runDirs, java.time.Instant.now());
        spec.commandLine().getOut().println(index);
        return Main.EXIT_OK;
    }
}

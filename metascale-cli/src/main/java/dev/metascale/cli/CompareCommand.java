package dev.metascale.cli;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.RunRecords;
import dev.metascale.report.RunAnalysis;
import dev.metascale.report.RunComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code compare DIR_A DIR_B}: per configuration, B against A, with significance. Exit 0 when no
 * regression is flagged, 1 when one is (so that CI can gate on it), 2 when a directory holds no results.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares run B with run A per configuration (matched by config_id, else by label): accuracy delta "
                + "(paired t-test on shared test episodes, else Welch), iteration time and peak memory.",
                "Flags a regression when accuracy drops significantly, or time or memory rise more than 5 %% and significantly.",
                "Exit codes: 0 no regression, 1 regression flagged, 2 missing results."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR_A", description = "baseline run directory (holds results.jsonl)")
    Path dirA;

    @Parameters(index = "1", paramLabel = "DIR_B", description = "run directory to check against the baseline")
    Path dirB;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (Path dir : new Path[]{dirA, dirB}) {
            if (!RunRecords.exist(dir)) {
                spec.commandLine().getErr().println(dir + " holds no " + ResultStore.FILE_NAME + " (nor shard-*/"
                        + ResultStore.FILE_NAME + "); give the --out directory of a run");
                return Main.EXIT_INVALID;
            }
        }
        RunRecords a = RunRecords.read(java.util.List.of(dirA));
        RunRecords b = RunRecords.read(java.util.List.of(dirB));
        a.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        b.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        RunComparison comparison = RunComparison.of(RunAnalysis.of(a.records()), RunAnalysis.of(b.records()));
        spec.commandLine().getOut().print(comparison.render());
        spec.commandLine().getOut().flush();
        return comparison.hasRegression() ? Main.EXIT_FAILED : Main.EXIT_OK;
    }
}

package dev.metascale.cli;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.RunRecords;
import dev.metascale.report.Advisor;
import dev.metascale.report.Budget;
import dev.metascale.report.RunAnalysis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/**
 * {@code advise DIR --max-memory M [--max-time T] [--min-accuracy A] [--max-perplexity X] [--params P]}: the measured
 * methods that fit, ranked, with the reason. Exit 0 when at least one fits, 1 when none does, 2 on
 * invalid input.
 */
@Command(name = "advise", mixinStandardHelpOptions = true,
        description = {"Recommends the methods of a run that fit a memory, time and accuracy (or perplexity) budget, ranked "
                + "within each comparison group (evaluation data, episode shape, score) by accuracy, or for language models by "
                + "perplexity, lower first (CI ties share a rank), with the reason; with --params extrapolates memory and time to a larger model "
                + "from the fitted power laws and uses the upper end of the 95 %% prediction interval.",
                "Exit codes: 0 something fits, 1 nothing fits, 2 invalid input."})
public final class AdviseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "run directories (each holds results.jsonl or"
            + " shard-*/results.jsonl), read as one run")
    java.util.List<Path> runDirs;

    @Option(names = "--max-memory", required = true, paramLabel = "M", description = "peak memory allowed, e.g. 2GiB, 512MiB")
    String maxMemory;

    @Option(names = "--max-time", paramLabel = "T", description = "meta-training time allowed, e.g. 30s, 5m, 2h")
    String maxTime;

    @Option(names = "--min-accuracy", paramLabel = "A", description = "accuracy required, e.g. 0.6 or 60%")
    String minAccuracy;

    @Option(names = "--max-perplexity", paramLabel = "X", description = "language models: query perplexity allowed, e.g. 12")
    String maxPerplexity;

    @Option(names = "--params", paramLabel = "P", description = "extrapolate to a model of this many parameters, e.g. 350M, 7B")
    String params;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (Path runDir : runDirs) {
            if (!RunRecords.exist(runDir)) {
                spec.commandLine().getErr().println(runDir + " holds no " + ResultStore.FILE_NAME + " (nor shard-*/"
                        + ResultStore.FILE_NAME + "); give the --out directory of a run");
                return Main.EXIT_INVALID;
            }
        }
        Budget budget;
        try {
            budget = new Budget(OptionalDouble.of(Budget.parseBytes(maxMemory)),
                    maxTime == null ? OptionalDouble.empty() : OptionalDouble.of(Budget.parseSeconds(maxTime)),
                    minAccuracy == null ? OptionalDouble.empty() : OptionalDouble.of(Budget.parseAccuracy(minAccuracy)),
                    params == null ? OptionalDouble.empty() : OptionalDouble.of(Budget.parseCount(params)),
                    maxPerplexity == null ? OptionalDouble.empty() : OptionalDouble.of(Budget.parsePerplexity(maxPerplexity)));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Main.EXIT_INVALID;
        }
        RunRecords read = RunRecords.read(runDirs);
        read.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        List<Advisor.Verdict> verdicts = Advisor.advise(RunAnalysis.of(read.records()), budget);
        spec.commandLine().getOut().print(Advisor.render(verdicts));
        spec.commandLine().getOut().flush();
        return verdicts.stream().anyMatch(Advisor.Verdict::recommended) ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}

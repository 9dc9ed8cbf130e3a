package dev.metascale.cli;

import dev.metascale.cli.runner.TrialBody;
import dev.metascale.cli.runner.Worker;
import dev.metascale.engine.TrialExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The worker process of one trial (started by the runner, not by users). */
@Command(name = "worker", hidden = true, description = "Runs one trial and writes its record (internal).")
public final class WorkerCommand implements Callable<Integer> {
    private final TrialBody body;

    @Option(names = "--spec", required = true, description = "trial spec JSON")
    Path specFile;

    @Option(names = "--result", required = true, description = "where to write the record")
    Path resultFile;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    /** The real worker: runs {@link TrialExecutor#execute}. */
    public WorkerCommand() {
        this(TrialExecutor::execute);
    }

    /** A worker running {@code body} for trials without an injected fault (tests use a fake). */
    public WorkerCommand(TrialBody body) {
        this.body = body;
    }

    @Override
    public Integer call() throws Exception {
        return Worker.run(specFile, resultFile, threads, body);
    }
}

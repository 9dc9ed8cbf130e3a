package dev.metascale.cli;

import dev.metascale.cli.runner.TrialBody;
import dev.metascale.cli.runner.Worker;
import dev.metascale.core.json.Json;
import dev.metascale.engine.TrialEnvironment;
import dev.metascale.engine.TrialExecutor;
import dev.metascale.engine.torch.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The worker process of one trial (started by the runner, not by users). */
@Command(name = "worker", hidden = true, description = "Runs one trial and writes its record (internal).")
public final class WorkerCommand implements Callable<Integer> {
    private final TrialBody body;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--spec", description = "trial spec JSON (required unless --env)")
    Path specFile;

    @Option(names = "--env", description = "write only the environment a trial would record (for `metascale env`)")
    boolean envOnly;

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
        if (envOnly) {
            // as TrialExecutor.execute sets up a trial, then the env fields every trial records
            TorchRuntime.configure(threads);
            Worker.writeAtomically(resultFile, Json.MAPPER.writeValueAsString(TrialEnvironment.capture()));
            return Main.EXIT_OK;
        }
        if (specFile == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "worker needs --spec (or --env)");
        }
        return Worker.run(specFile, resultFile, threads, body);
    }
}

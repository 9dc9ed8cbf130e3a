package dev.metascale.cli.runner;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.result.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs each trial in a fresh worker JVM ({@link WorkerLaunch}) and turns whatever happens into a
 * record: the worker's own record when it wrote one, else a failed record of kind {@code timeout}
 * (killed with its whole process tree after {@code timeout_s}), {@code oom} or {@code crash}.
 * The worker's stdout and stderr are kept in {@code logDir/<trial id>.stdout.log} / {@code .stderr.log}.
 *
 * <p>{@link #cancel()} (from a shutdown hook) kills the running worker; {@link #run} then throws
 * {@link CancellationException} and nothing is recorded for that trial.
 */
public final class TrialRunner {
    /** Grace period to tell a Ctrl-C that also hit the worker from a real crash. */
    private static final long INTERRUPT_GRACE_MS = 1500;

    private final WorkerLaunch launch;
    private final Path logDir;
    private final OomKillCounter oomKills = new OomKillCounter();
    private volatile boolean cancelled;
    private volatile Process running;
    private ObjectNode environment;

    public TrialRunner(WorkerLaunch launch, Path logDir) {
        this.launch = launch;
        this.logDir = logDir;
    }

    public WorkerLaunch launch() {
        return launch;
    }

    /**
     * Runs one trial to its record.
     *
     * @throws IOException           when the worker cannot be started at all (no java, unwritable log dir)
     * @throws CancellationException when {@link #cancel()} was called
     */
    public TrialResult run(TrialSpec spec) throws IOException, InterruptedException {
        if (cancelled) {
            throw new CancellationException("run cancelled");
        }
        Files.createDirectories(logDir);
        Path work = Files.createTempDirectory("metascale-trial-" + spec.id() + "-");
        try {
            return runIn(work, spec);
        } finally {
            deleteRecursively(work);
        }
    }

    private TrialResult runIn(Path work, TrialSpec spec) throws IOException, InterruptedException {
        Path specFile = work.resolve("spec.json");
        Path resultFile = work.resolve("result.json");
        Files.writeString(specFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(spec.toJson()),
                StandardCharsets.UTF_8);
        Path stdout = logDir.resolve(spec.id() + ".stdout.log");
        Path stderr = logDir.resolve(spec.id() + ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder(launch.command(specFile, resultFile))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(launch.environment());
        long oomKillsBefore = oomKills.current();
        Instant startedAt = Instant.now();
        Process process = builder.start();
        running = process;
        boolean timedOut;
        try {
            if (cancelled) {
                ProcessTree.kill(process.toHandle());
            }
            timedOut = !waitFor(process, spec.timeoutS());
            if (timedOut) {
                ProcessTree.kill(process.toHandle());
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            throw e;
        } finally {
            running = null;
        }
        int exitCode = process.exitValue();
        if (cancelled || (wasInterrupted(exitCode) && cancelledWithin(INTERRUPT_GRACE_MS))) {
            throw new CancellationException("trial " + spec.id() + " interrupted");
        }
        Instant finishedAt = Instant.now();
        String stderrTail = LogTail.of(stderr, LogTail.LINES);
        if (timedOut) {
            return failed(spec, new ErrorInfo(ErrorInfo.TIMEOUT, "worker exceeded the trial's time limit of "
                    + spec.timeoutS() + " s and was killed with its process tree; raise timeout_s or shrink the trial",
                    stderrTail), startedAt, finishedAt);
        }
        if (Files.isRegularFile(resultFile)) {
            return workerRecord(spec, resultFile, exitCode, stderrTail, startedAt, finishedAt);
        }
        if (exitCode == 0) {
            return failed(spec, new ErrorInfo(ErrorInfo.CRASH, "worker exited with code 0 without writing a result",
                    stderrTail), startedAt, finishedAt);
        }
        long oomKillsAfter = oomKills.current();
        boolean oomKillerFired = oomKillsBefore >= 0 && oomKillsAfter > oomKillsBefore;
        return failed(spec, FailureClassifier.classify(exitCode, stderrTail,
                LogTail.of(stdout, LogTail.LINES), oomKillerFired), startedAt, finishedAt);
    }

    private TrialResult workerRecord(TrialSpec spec, Path resultFile, int exitCode, String stderrTail,
                                     Instant startedAt, Instant finishedAt) throws IOException {
        try {
            TrialResult result = TrialResult.fromJsonLine(Files.readString(resultFile, StandardCharsets.UTF_8));
            if (!spec.id().equals(result.trialId())) {
                return failed(spec, new ErrorInfo(ErrorInfo.CRASH, "worker wrote a record for trial " + result.trialId()
                        + " instead of " + spec.id(), stderrTail), startedAt, finishedAt);
            }
            return result;
        } catch (IllegalArgumentException e) {
            return failed(spec, new ErrorInfo(ErrorInfo.CRASH, "worker (exit code " + exitCode
                    + ") wrote an unreadable result: " + e.getMessage(), stderrTail), startedAt, finishedAt);
        }
    }

    /** Kills the running worker (if any) with its process tree; the current and later {@link #run}s are cancelled. */
    public void cancel() {
        cancelled = true;
        Process process = running;
        if (process != null) {
            ProcessTree.kill(process.toHandle());
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    private static boolean waitFor(Process process, int timeoutS) throws InterruptedException {
        if (timeoutS <= 0) {
            process.waitFor();
            return true;
        }
        return process.waitFor(timeoutS, TimeUnit.SECONDS);
    }

    private static boolean wasInterrupted(int exitCode) {
        return exitCode == 128 + 2 || exitCode == 128 + 15;
    }

    private boolean cancelledWithin(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!cancelled && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return cancelled;
    }

    private TrialResult failed(TrialSpec spec, ErrorInfo error, Instant startedAt, Instant finishedAt) {
        return TrialResult.failed(spec, error, workerEnvironment(), startedAt.toString(), finishedAt.toString(),
                Duration.between(startedAt, finishedAt).toNanos() / 1e9);
    }

    /** This machine's environment as the worker saw it: its JVM flags and allocator variables. */
    private synchronized ObjectNode workerEnvironment() {
        if (environment == null) {
            environment = Environment.capture();
            ArrayNode args = environment.putArray("java_args");
            launch.jvmFlags().forEach(args::add);
            ObjectNode malloc = environment.get("malloc_env") instanceof ObjectNode existing
                    ? existing : environment.putObject("malloc_env");
            launch.environment().forEach(malloc::put);
        }
        return environment.deepCopy();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}

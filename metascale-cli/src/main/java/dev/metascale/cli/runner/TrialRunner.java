package dev.metascale.cli.runner;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.result.RunInvocation;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    private volatile List<Process> running = List.of();
    private Cluster cluster = Cluster.single();
    private ObjectNode environment;
    private RunInvocation invocation;

    public TrialRunner(WorkerLaunch launch, Path logDir) {
        this.launch = launch;
        this.logDir = logDir;
    }

    public WorkerLaunch launch() {
        return launch;
    }

    /** Keeps {@code how} (the command that started the run) in every record's {@code env.invocation}. */
    public TrialRunner withInvocation(RunInvocation how) {
        this.invocation = how;
        return this;
    }

    /** Makes this runner one node of a multi-node run (see {@link Cluster}). */
    public TrialRunner withCluster(Cluster newCluster) {
        this.cluster = newCluster;
        return this;
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
            TrialResult result = runIn(work, spec);
            if (invocation != null && result.env() != null) {
                result.env().set(RunInvocation.ENV_KEY, invocation.toJson());
            }
            return result;
        } finally {
            deleteRecursively(work);
        }
    }

    private TrialResult runIn(Path work, TrialSpec spec) throws IOException, InterruptedException {
        Path specFile = work.resolve("spec.json");
        Files.writeString(specFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(spec.toJson()),
                StandardCharsets.UTF_8);
        int world = Math.max(1, spec.techniques().worldSize());
        boolean multiNode = world > 1 && cluster.isMultiNode();
        if (multiNode && world % cluster.nodes() != 0) {
            Instant now = Instant.now();
            return failed(spec, new ErrorInfo(ErrorInfo.INVALID, "world_size " + world + " cannot be split over " + cluster.nodes()
                    + " nodes: use a world_size divisible by --nnodes", ""), now, now);
        }
        int localRanks = multiNode ? world / cluster.nodes() : world;
        int firstRank = multiNode ? cluster.nodeRank() * localRanks : 0;
        // one machine: the ranks meet through a file in the trial's directory, so nothing listens beyond Gloo's loopback
        String rendezvous = multiNode ? "-Dmetascale.master=" + cluster.masterHost() + ":" + cluster.masterPort()
                : "-Dmetascale.store_file=" + work.resolve("c10d.store").toAbsolutePath();
        if (world > 1 && !multiNode) {
            TrialResult refused = preflight(spec, work, specFile);
            if (refused != null) {
                return refused;
            }
        }
        List<Rank> ranks = new ArrayList<>(localRanks);
        long oomKillsBefore = oomKills.current();
        Instant startedAt = Instant.now();
        for (int local = 0; local < localRanks; local++) {
            int r = firstRank + local;
            String suffix = r == 0 ? "" : ".rank" + r;
            Path resultFile = work.resolve("result" + suffix + ".json");
            Path stdout = logDir.resolve(spec.id() + suffix + ".stdout.log");
            Path stderr = logDir.resolve(spec.id() + suffix + ".stderr.log");
            WorkerLaunch rankLaunch = world == 1 ? launch : launch
                    .withThreads(Math.max(1, launch.threads() / localRanks))
                    .withExtraJvmFlags(rankFlags(launch.extraJvmFlags(), r, world, rendezvous,
                            collectiveTimeoutS(spec.timeoutS(), cluster.isMultiNode())));
            ProcessBuilder builder = new ProcessBuilder(rankLaunch.command(specFile, resultFile))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(launch.environment());
            ranks.add(new Rank(r, builder.start(), resultFile, stdout, stderr));
        }
        running = ranks.stream().map(Rank::process).toList();
        boolean timedOut;
        int firstFailed;
        try {
            if (cancelled) {
                killAll(ranks);
            }
            firstFailed = waitForAll(ranks, spec);
            timedOut = firstFailed == TIMED_OUT;
            if (timedOut) {
                killAll(ranks);
            }
        } catch (InterruptedException e) {
            killAll(ranks);
            throw e;
        } finally {
            running = List.of();
        }
        Rank leader = ranks.get(0);
        int exitCode = leader.process().exitValue();
        if (cancelled || (wasInterrupted(exitCode) && cancelledWithin(INTERRUPT_GRACE_MS))) {
            throw new CancellationException("trial " + spec.id() + " interrupted");
        }
        Instant finishedAt = Instant.now();
        if (timedOut) {
            return failed(spec, new ErrorInfo(ErrorInfo.TIMEOUT, "worker exceeded the trial's time limit of "
                    + spec.timeoutS() + " s and was killed with its process tree; raise timeout_s or shrink the trial",
                    LogTail.of(leader.stderr(), LogTail.LINES)), startedAt, finishedAt);
        }
        long oomKillsAfter = oomKills.current();
        boolean oomKillerFired = oomKillsBefore >= 0 && oomKillsAfter > oomKillsBefore;
        if (firstFailed >= 0) {
            Rank culprit = ranks.get(firstFailed);
            return named(outcome(spec, culprit, oomKillerFired, startedAt, finishedAt), culprit.index(), world, spec,
                    startedAt, finishedAt);
        }
        TrialResult leaderResult = outcome(spec, leader, oomKillerFired, startedAt, finishedAt);
        if (world == 1 || !leaderResult.isOk()) {
            return world == 1 ? leaderResult : named(leaderResult, leader.index(), world, spec, startedAt, finishedAt);
        }
        for (Rank rank : ranks.subList(1, ranks.size())) {
            TrialResult other = outcome(spec, rank, oomKillerFired, startedAt, finishedAt);
            if (!other.isOk()) {
                return named(other, rank.index(), world, spec, startedAt, finishedAt);
            }
        }
        return leaderResult;
    }

    /**
     * A data-parallel trial's pre-flight: one worker sets the trial up as rank 0 and applies the memory guard to all
     * its ranks (engine TrialExecutor.preflight), so ranks that cannot fit are never started.
     *
     * @return the failed record when the pre-flight refused the trial or failed; null when the ranks may start
     */
    private TrialResult preflight(TrialSpec spec, Path work, Path specFile) throws IOException, InterruptedException {
        Path resultFile = work.resolve("preflight.json");
        Path stdout = logDir.resolve(spec.id() + ".preflight.stdout.log");
        Path stderr = logDir.resolve(spec.id() + ".preflight.stderr.log");
        List<String> flags = new ArrayList<>(launch.extraJvmFlags());
        flags.add("-D" + dev.metascale.engine.TrialExecutor.PREFLIGHT_PROPERTY + "=true");
        ProcessBuilder builder = new ProcessBuilder(launch.withExtraJvmFlags(flags).command(specFile, resultFile))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(launch.environment());
        Instant startedAt = Instant.now();
        Rank check = new Rank(0, builder.start(), resultFile, stdout, stderr);
        long oomKillsBefore = oomKills.current();
        running = List.of(check.process());
        int waited;
        try {
            waited = waitForAll(List.of(check), spec);
            if (waited == TIMED_OUT) {
                killAll(List.of(check));
            }
        } catch (InterruptedException e) {
            killAll(List.of(check));
            throw e;
        } finally {
            running = List.of();
        }
        if (cancelled) {
            throw new CancellationException("trial " + spec.id() + " interrupted");
        }
        Instant finishedAt = Instant.now();
        if (waited == TIMED_OUT) {
            return failed(spec, new ErrorInfo(ErrorInfo.TIMEOUT, "the pre-flight of this data-parallel trial exceeded its time"
                    + " limit of " + spec.timeoutS() + " s; raise timeout_s", LogTail.of(stderr, LogTail.LINES)), startedAt, finishedAt);
        }
        long oomKillsAfter = oomKills.current();
        TrialResult result = outcome(spec, check, oomKillsBefore >= 0 && oomKillsAfter > oomKillsBefore, startedAt, finishedAt);
        if (result.isOk()) {
            return null;
        }
        ErrorInfo e = result.error();
        return failed(spec, new ErrorInfo(e.kind(), "pre-flight (before starting " + spec.techniques().worldSize() + " ranks): "
                + e.message(), e.stderrTail()), startedAt, finishedAt);
    }

    /** One worker process of a trial: rank 0 of 1 for an ordinary trial. */
    private record Rank(int index, Process process, Path resultFile, Path stdout, Path stderr) {
    }

    /** The record of one rank: what it wrote, or its failure classified from its exit and output. */
    private TrialResult outcome(TrialSpec spec, Rank rank, boolean oomKillerFired, Instant startedAt, Instant finishedAt)
            throws IOException {
        int exitCode = rank.process().exitValue();
        String stderrTail = LogTail.of(rank.stderr(), LogTail.LINES);
        if (Files.isRegularFile(rank.resultFile())) {
            return workerRecord(spec, rank.resultFile(), exitCode, stderrTail, startedAt, finishedAt);
        }
        if (exitCode == 0) {
            return failed(spec, new ErrorInfo(ErrorInfo.CRASH, "worker exited with code 0 without writing a result",
                    stderrTail), startedAt, finishedAt);
        }
        return failed(spec, FailureClassifier.classify(exitCode, stderrTail,
                LogTail.of(rank.stdout(), LogTail.LINES), oomKillerFired), startedAt, finishedAt);
    }

    /** A failed record of a data-parallel trial, its message naming the rank that failed. */
    private TrialResult named(TrialResult failure, int rank, int world, TrialSpec spec, Instant startedAt, Instant finishedAt) {
        ErrorInfo e = failure.error();
        return failed(spec, new ErrorInfo(e.kind(), "rank " + rank + " of " + world + ": " + e.message(), e.stderrTail()),
                startedAt, finishedAt);
    }

    /** How waiting for the ranks ended. */
    private static final int TIMED_OUT = -2;
    private static final int ALL_EXITED = -1;

    /**
     * Waits until every rank exited, or until the trial's timeout. When one rank of several fails
     * (non-zero exit or a failed record), the others would only wait in a collective until their
     * timeout: they are killed at once.
     *
     * @return {@link #TIMED_OUT}, {@link #ALL_EXITED}, or the index of the rank that failed first
     */
    private static int waitForAll(List<Rank> ranks, TrialSpec spec) throws InterruptedException {
        long deadline = spec.timeoutS() <= 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.timeoutS());
        while (true) {
            boolean allDone = true;
            for (Rank rank : ranks) {
                if (rank.process().isAlive()) {
                    allDone = false;
                } else if (ranks.size() > 1 && (rank.process().exitValue() != 0 || recordedFailure(rank.resultFile()))) {
                    killAll(ranks);
                    return rank.index();
                }
            }
            if (allDone) {
                return ALL_EXITED;
            }
            if (System.nanoTime() >= deadline) {
                return TIMED_OUT;
            }
            if (ranks.size() == 1) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                ranks.get(0).process().waitFor(left, TimeUnit.MILLISECONDS);
            } else {
                Thread.sleep(50);
            }
        }
    }

    private static boolean recordedFailure(Path resultFile) {
        try {
            return Files.isRegularFile(resultFile)
                    && Files.readString(resultFile, StandardCharsets.UTF_8).contains("\"status\":\"" + TrialResult.FAILED + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static void killAll(List<Rank> ranks) {
        for (Rank rank : ranks) {
            ProcessTree.kill(rank.process().toHandle());
        }
    }

    /**
     * How long a rank waits at the rendezvous and in a collective for its peers. On one machine its peers start with it,
     * so a dead one is known within 2 minutes at most (the trial's timeout if shorter). Across machines the other
     * nodes' runners may reach the trial much later (each node runs its own queue of trials, or its job starts later):
     * the trial's whole timeout.
     */
    static int collectiveTimeoutS(int trialTimeoutS, boolean multiNode) {
        return multiNode ? Math.max(10, trialTimeoutS) : Math.max(10, Math.min(120, trialTimeoutS));
    }

    /** The JVM flags that make a worker rank {@code rank} of {@code world} (see engine's RankInfo). */
    private static List<String> rankFlags(List<String> base, int rank, int world, String rendezvousFlag, int timeoutS) {
        List<String> flags = new ArrayList<>(base);
        flags.add("-Dmetascale.rank=" + rank);
        flags.add("-Dmetascale.world_size=" + world);
        flags.add(rendezvousFlag);
        flags.add("-Dmetascale.collective_timeout_s=" + timeoutS);
        return flags;
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
        for (Process process : running) {
            ProcessTree.kill(process.toHandle());
        }
    }

    public boolean isCancelled() {
        return cancelled;
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

    /** Deletes {@code dir} and everything in it, as far as it can. */
    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}

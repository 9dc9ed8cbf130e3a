package dev.metascale.cli.runner;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A worker's own guard against outliving what started it. A daemon thread of the worker checks, every
 * {@value #POLL_MS} ms, that its runner (the PID passed as {@code -Dmetascale.runner_pid}) is still its live parent,
 * and that the trial has not run past its {@code timeout_s} plus {@value #GRACE_S} s. Either way it kills what the
 * worker started, deletes the trial's temporary directory ({@code metascale-trial-*}, which the runner would have
 * deleted) and halts the JVM — from inside, so a {@code kill -9} of the runner or a hang in native code leaves no
 * orphan under PID 1 running beside the resumed copy.
 *
 * <p>The grace lets the runner, which kills the worker at exactly {@code timeout_s}, record the {@code timeout} itself;
 * the worker's deadline is the backstop when the runner cannot.
 */
public final class WorkerWatchdog {
    /** System property with the runner's PID; set by {@link WorkerLaunch#jvmFlags()}. */
    public static final String RUNNER_PID_PROPERTY = "metascale.runner_pid";
    /** Exit code of a worker that stopped because its runner is gone. */
    public static final int EXIT_ORPHANED = 125;
    /** Exit code of a worker that stopped at its own deadline. */
    public static final int EXIT_DEADLINE = 124;
    static final long POLL_MS = 250;
    static final long GRACE_S = 5;

    private WorkerWatchdog() {
    }

    /**
     * Starts the guard when this JVM was started by a runner ({@link #RUNNER_PID_PROPERTY} set); does nothing
     * otherwise (a worker body run inside a test JVM must not halt it).
     *
     * @param timeoutS the trial's {@code timeout_s}; 0 or less: no deadline
     * @param workDir  the trial's temporary directory (the spec file's), deleted on a halt when it is one of the
     *                 runner's {@code metascale-trial-*} directories
     */
    public static void startIfLaunchedByRunner(int timeoutS, Path workDir) {
        String property = System.getProperty(RUNNER_PID_PROPERTY);
        if (property == null || property.isBlank()) {
            return;
        }
        long runnerPid = Long.parseLong(property.strip());
        long deadline = timeoutS <= 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS + GRACE_S);
        Thread guard = new Thread(() -> watch(runnerPid, deadline, timeoutS, workDir), "metascale-worker-watchdog");
        guard.setDaemon(true);
        guard.start();
    }

    private static void watch(long runnerPid, long deadline, int timeoutS, Path workDir) {
        while (true) {
            if (!runnerIsParent(runnerPid)) {
                halt(EXIT_ORPHANED, "its runner (PID " + runnerPid + ") is gone", workDir);
            }
            if (System.nanoTime() >= deadline) {
                halt(EXIT_DEADLINE, "the trial passed its time limit of " + timeoutS + " s (+" + GRACE_S
                        + " s grace) and the runner did not stop it", workDir);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                // keep watching: only the JVM's end stops the guard
            }
        }
    }

    /** Whether {@code runnerPid} is alive and still this process's parent (a reused PID is not). */
    static boolean runnerIsParent(long runnerPid) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        return parent.isPresent() && parent.get().pid() == runnerPid && parent.get().isAlive();
    }

    private static void halt(int exitCode, String why, Path workDir) {
        System.err.println("metascale worker: " + why + "; stopping this worker (PID " + ProcessHandle.current().pid()
                + ") and what it started");
        System.err.flush();
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        if (workDir != null && workDir.getFileName() != null && workDir.getFileName().toString().startsWith("metascale-trial-")) {
            TrialRunner.deleteRecursively(workDir);
        }
        Runtime.getRuntime().halt(exitCode);
    }
}

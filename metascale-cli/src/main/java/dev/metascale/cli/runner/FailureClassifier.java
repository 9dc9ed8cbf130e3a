package dev.metascale.cli.runner;

import dev.metascale.core.result.ErrorInfo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Why a worker that wrote no record died: out of memory, or a crash with its exit code or signal. */
final class FailureClassifier {
    /** Lower-case fragments of stderr that mean the worker ran out of memory (Java heap or native). */
    private static final List<String> OOM_MARKERS = List.of(
            "outofmemoryerror", "can't allocate memory", "cannot allocate memory", "bad_alloc", "out of memory");
    private static final int SIGKILL_EXIT = 128 + 9;

    private FailureClassifier() {
    }

    /**
     * @param exitCode       the worker's exit code
     * @param stderrTail     the last lines it printed to stderr
     * @param stdoutTail     the last lines it printed to stdout (where HotSpot reports
     *                       {@code Terminating due to java.lang.OutOfMemoryError})
     * @param oomKillerFired whether the kernel OOM killer killed a process of our cgroup meanwhile
     */
    static ErrorInfo classify(int exitCode, String stderrTail, String stdoutTail, boolean oomKillerFired) {
        Optional<String> oomLine = (stderrTail + "\n" + stdoutTail).lines()
                .filter(line -> OOM_MARKERS.stream().anyMatch(line.toLowerCase(Locale.ROOT)::contains))
                .findFirst();
        if (oomLine.isPresent()) {
            return new ErrorInfo(ErrorInfo.OOM, "worker ran out of memory (exit code " + exitCode + "): "
                    + oomLine.get().strip() + "; use a smaller model, meta_batch or episode, or give the worker more memory",
                    stderrTail);
        }
        if (exitCode == SIGKILL_EXIT && oomKillerFired) {
            return new ErrorInfo(ErrorInfo.OOM, "worker was killed by the kernel OOM killer (signal 9); use a smaller "
                    + "model, meta_batch or episode, or run on a machine with more memory", stderrTail);
        }
        return new ErrorInfo(ErrorInfo.CRASH, describeExit(exitCode), stderrTail);
    }

    static String describeExit(int exitCode) {
        if (exitCode > 128 && exitCode < 128 + 65) {
            int signal = exitCode - 128;
            return "worker killed by signal " + signal + signalName(signal) + " (exit code " + exitCode + ")";
        }
        return "worker exited with code " + exitCode + " without writing a result; see stderr_tail";
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 4 -> " (SIGILL)";
            case 6 -> " (SIGABRT)";
            case 7 -> " (SIGBUS)";
            case 8 -> " (SIGFPE)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }
}

package dev.metascale.cli.runner;

import dev.metascale.core.result.ErrorInfo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a trial failed: for a worker that wrote no record, out of memory or a crash with its exit code or signal; for an
 * exception the worker caught, libtorch's allocator refusal ({@code oom}) or a crash.
 */
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

    /** libtorch's CPU allocator refusing a request: {@code DefaultCPUAllocator: can't allocate memory: you tried to allocate N bytes}. */
    private static final java.util.regex.Pattern ALLOCATOR_REFUSAL =
            java.util.regex.Pattern.compile("(?:can't allocate memory|not enough memory): you tried to allocate (\\d+) bytes");

    /**
     * The failure of a trial whose worker caught {@code thrown}: {@code oom} when libtorch's allocator refused a
     * request (the message names the bytes it asked for), else {@code crash}. The message is the exception's first
     * lines without libtorch's C++ frames ({@code Exception raised from ...}, {@code frame #n: ...}), which only the
     * worker's stderr log keeps.
     */
    static ErrorInfo ofException(Throwable thrown, String stackTraceHead) {
        String message = thrown.getClass().getName() + (thrown.getMessage() == null ? "" : ": " + withoutNativeFrames(thrown.getMessage()));
        if (thrown instanceof dev.metascale.core.result.InvalidTrialException
                || thrown instanceof dev.metascale.engine.data.DatasetUnavailableException
                || thrown instanceof dev.metascale.engine.data.CorruptDataException) {
            return new ErrorInfo(ErrorInfo.INVALID, thrown.getMessage(), withoutNativeFrames(stackTraceHead));
        }
        java.util.regex.Matcher refusal = ALLOCATOR_REFUSAL.matcher(thrown.getMessage() == null ? "" : thrown.getMessage());
        if (refusal.find()) {
            long bytes = Long.parseLong(refusal.group(1));
            return new ErrorInfo(ErrorInfo.OOM, String.format(Locale.ROOT, "libtorch could not allocate %d bytes (%.1f GiB)"
                    + " for one tensor; use a smaller model, meta_batch or episode, or run on a machine with more memory",
                    bytes, bytes / (double) (1L << 30)), withoutNativeFrames(stackTraceHead));
        }
        return new ErrorInfo(ErrorInfo.CRASH, message, withoutNativeFrames(stackTraceHead));
    }

    /** {@code text} without libtorch's C++ backtrace lines. */
    static String withoutNativeFrames(String text) {
        return text.lines()
                .filter(line -> !line.startsWith("Exception raised from ") && !line.matches("\\s*frame #\\d+:.*"))
                .collect(java.util.stream.Collectors.joining("\n")).strip();
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

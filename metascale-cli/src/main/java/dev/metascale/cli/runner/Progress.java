package dev.metascale.cli.runner;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a run on stderr: trials done/total, ok and failed counts, the running trial's label
 * and elapsed time, and an ETA from the mean trial time so far. On a terminal one line is redrawn
 * in place every second; otherwise (logs, CI) one line is printed per trial start and finish.
 */
public final class Progress implements AutoCloseable {
    private static final int BAR_WIDTH = 20;

    private final PrintStream err;
    private final boolean interactive;
    private final boolean quiet;
    private final int total;
    private final ScheduledExecutorService ticker;
    private int done;
    private int ok;
    private int failed;
    private long finishedNanos;
    private String runningLabel;
    private long runningSince;
    private int lastWidth;

    /**
     * @param total       trials this run will execute (skipped ones excluded)
     * @param interactive redraw in place (stderr is a terminal)
     * @param quiet       print nothing
     */
    public Progress(PrintStream err, int total, boolean interactive, boolean quiet) {
        this.err = err;
        this.total = total;
        this.interactive = interactive && !quiet;
        this.quiet = quiet;
        if (this.interactive) {
            ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "metascale-progress");
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
        } else {
            ticker = null;
        }
    }

    public synchronized void started(TrialSpec spec) {
        runningLabel = spec.label() + " seed " + spec.seed() + " [" + spec.id() + "]";
        runningSince = System.nanoTime();
        if (interactive) {
            redraw();
        } else if (!quiet) {
            err.println("[" + (done + 1) + "/" + total + "] start  " + runningLabel);
        }
    }

    public synchronized void finished(TrialResult result) {
        long elapsed = System.nanoTime() - runningSince;
        finishedNanos += elapsed;
        done++;
        if (result.isOk()) {
            ok++;
        } else {
            failed++;
        }
        String outcome = result.isOk() ? "ok" : "FAILED (" + result.error().kind() + ": " + firstLine(result.error().message()) + ")";
        String line = "[" + done + "/" + total + "] " + outcome + "  " + runningLabel + " in " + format(elapsed)
                + "  (ok " + ok + ", failed " + failed + eta(0) + ")";
        runningLabel = null;
        if (interactive) {
            clearLine();
            err.println(line);
            redraw();
        } else if (!quiet) {
            err.println(line);
        }
    }

    /** The current status line, e.g. {@code [####------] 2/10 ok 2 failed 0 | maml conv4 5w1s 0:12 | ETA 1:30}. */
    synchronized String statusLine() {
        int filled = total == 0 ? BAR_WIDTH : done * BAR_WIDTH / total;
        StringBuilder line = new StringBuilder("[")
                .append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ")
                .append(done).append('/').append(total).append("  ok ").append(ok).append("  failed ").append(failed);
        long runningFor = 0;
        if (runningLabel != null) {
            runningFor = System.nanoTime() - runningSince;
            line.append("  | ").append(runningLabel).append(' ').append(format(runningFor));
        }
        line.append(eta(runningFor).replace(", ETA", "  | ETA"));
        return line.toString();
    }

    private String eta(long runningFor) {
        if (done == 0 || done >= total) {
            return "";
        }
        long mean = finishedNanos / done;
        long remaining = Math.max(0, mean * (total - done) - runningFor);
        return ", ETA " + format(remaining);
    }

    private synchronized void redraw() {
        if (!interactive) {
            return;
        }
        String line = statusLine();
        int pad = Math.max(0, lastWidth - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastWidth = line.length();
    }

    private void clearLine() {
        err.print("\r" + " ".repeat(lastWidth) + "\r");
        lastWidth = 0;
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            clearLine();
            err.flush();
        }
    }

    static String format(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        long s = d.toSeconds();
        if (s < 60) {
            return String.format("%.1fs", nanos / 1e9);
        }
        if (s < 3600) {
            return String.format("%d:%02d", s / 60, s % 60);
        }
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}

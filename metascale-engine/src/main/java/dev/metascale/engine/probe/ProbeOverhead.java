package dev.metascale.engine.probe;

/**
 * The harness's own cost per meta-iteration with the profiler off: the clock reads and sample store of
 * {@link IterationTimer} plus the loss check, measured by repeating them. Reported next to the median
 * iteration time so that the probes' distortion is visible (target below 2 %).
 */
public final class ProbeOverhead {
    private static final int REPEATS = 20_000;

    private ProbeOverhead() {
    }

    /** Seconds the per-iteration probes cost, median of a few batches of {@value #REPEATS} repetitions. */
    public static double secondsPerIteration() {
        double[] batches = new double[5];
        double sink = 0;
        for (int b = 0; b < batches.length; b++) {
            IterationTimer timer = new IterationTimer(REPEATS, 0);
            long start = System.nanoTime();
            for (int i = 0; i < REPEATS; i++) {
                timer.begin();
                sink += timer.end();
                if (!Double.isFinite(sink)) {
                    throw new IllegalStateException("unreachable");
                }
            }
            batches[b] = (System.nanoTime() - start) / 1e9 / REPEATS;
        }
        java.util.Arrays.sort(batches);
        return batches[batches.length / 2];
    }
}

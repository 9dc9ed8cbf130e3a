package dev.metascale.engine.probe;

import dev.metascale.engine.torch.TrialDevice;

import java.util.Arrays;

/**
 * Wall-clock time of each meta-iteration, with the first {@code warmup} iterations kept apart
 * (JIT, allocator and cache warm-up): they count in the total training time but not in the timed
 * samples. Iterations run under the profiler (slowed by its per-event cost) are kept apart from both: they are
 * the profiled window's time, not training time. On CPU the work is synchronous; on a CUDA device the timer waits
 * for the device ({@link TrialDevice#synchronize}) before reading the clock at both ends, so that the kernels a step
 * launched asynchronously — the optimiser's, which come after the loss was read — fall inside the step's time, and those
 * of the previous step do not.
 */
public final class IterationTimer {
    private final int warmup;
    private final double[] samples;
    private int count;
    private double totalS;
    private double profiledS;
    private int profiled;
    private long start;

    public IterationTimer(int iterations, int warmup) {
        this.warmup = warmup;
        this.samples = new double[Math.max(0, iterations - warmup)];
    }

    public void begin() {
        TrialDevice.current().synchronize();
        start = System.nanoTime();
    }

    /** Ends the current iteration and returns its seconds. */
    public double end() {
        return end(false);
    }

    /**
     * Ends the current iteration; a {@code profiledIteration} (under the profiler) counts in
     * {@link #profiledSeconds()} only, never in the training time or the timed samples.
     */
    public double end(boolean profiledIteration) {
        TrialDevice.current().synchronize();
        double s = (System.nanoTime() - start) / 1e9;
        if (profiledIteration) {
            count++;
            profiled++;
            profiledS += s;
            return s;
        }
        if (count >= warmup && count - warmup < samples.length) {
            samples[count - warmup] = s;
        }
        count++;
        totalS += s;
        return s;
    }

    /** The timed (post-warm-up) samples. */
    public double[] samples() {
        return Arrays.copyOf(samples, Math.max(0, Math.min(samples.length, count - warmup)));
    }

    /** All iterations, warm-up included, the profiled ones excepted. */
    public double totalSeconds() {
        return totalS;
    }

    /** The iterations run under the profiler. */
    public double profiledSeconds() {
        return profiledS;
    }

    public int profiledIterations() {
        return profiled;
    }
}

package dev.metascale.engine.probe;

import java.util.Arrays;

/**
 * Wall-clock time of each meta-iteration, with the first {@code warmup} iterations kept apart
 * (JIT, allocator and cache warm-up): they count in the total training time but not in the timed
 * samples. On CPU the work is synchronous; a CUDA build synchronises the device before reading the clock.
 */
public final class IterationTimer {
    private final int warmup;
    private final double[] samples;
    private int count;
    private double totalS;
    private long start;

    public IterationTimer(int iterations, int warmup) {
        this.warmup = warmup;
        this.samples = new double[Math.max(0, iterations - warmup)];
    }

    public void begin() {
        start = System.nanoTime();
    }

    /** Ends the current iteration and returns its seconds. */
    public double end() {
        double s = (System.nanoTime() - start) / 1e9;
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

    /** All iterations, warm-up included. */
    public double totalSeconds() {
        return totalS;
    }
}

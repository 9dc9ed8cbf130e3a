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
 * of the previous step do not. There, CUDA events recorded on the stream at both ends also give the device's own time
 * of the step ({@link #deviceSamples}: what the GPU spent between the events, launch gaps inside the step included, the
 * host's work before the first launch not), beside the wall-clock samples.
 */
public final class IterationTimer {
    private final int warmup;
    private final double[] samples;
    private int count;
    private double totalS;
    private double profiledS;
    private int profiled;
    private long start;
    private final double[] deviceSamples;
    /** The step's CUDA events (timing enabled), made on the first CUDA step and kept for the timer's life; null off CUDA. */
    private org.bytedeco.pytorch.cuda.CUDAEvent startEvent;
    private org.bytedeco.pytorch.cuda.CUDAEvent endEvent;

    public IterationTimer(int iterations, int warmup) {
        this.warmup = warmup;
        this.samples = new double[Math.max(0, iterations - warmup)];
        this.deviceSamples = TrialDevice.current().isCuda() ? new double[samples.length] : new double[0];
    }

    public void begin() {
        TrialDevice device = TrialDevice.current();
        device.synchronize();
        if (device.isCuda()) {
            if (startEvent == null) {
                startEvent = new org.bytedeco.pytorch.cuda.CUDAEvent(0); // cudaEventDefault: timing on
                endEvent = new org.bytedeco.pytorch.cuda.CUDAEvent(0);
                startEvent.retainReference();
                endEvent.retainReference();
            }
            startEvent.record();
        }
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
        TrialDevice device = TrialDevice.current();
        if (startEvent != null && device.isCuda()) {
            endEvent.record();
        }
        device.synchronize();
        double s = (System.nanoTime() - start) / 1e9;
        if (!profiledIteration && startEvent != null && count >= warmup && count - warmup < deviceSamples.length) {
            deviceSamples[count - warmup] = startEvent.elapsed_time(endEvent) / 1e3;
        }
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

    /** The timed samples' device time from CUDA events (seconds); empty off CUDA. */
    public double[] deviceSamples() {
        return Arrays.copyOf(deviceSamples, Math.max(0, Math.min(deviceSamples.length, count - warmup)));
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

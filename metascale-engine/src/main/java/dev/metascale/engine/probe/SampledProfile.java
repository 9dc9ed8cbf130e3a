package dev.metascale.engine.probe;

import dev.metascale.core.result.Metric;
import dev.metascale.core.result.Metrics;


import java.nio.file.Path;
import java.util.Optional;

/**
 * The operator profile of a trial: the Kineto profiler runs over the last {@code k} warm-up iterations
 * (already warm, and not among the timed samples, so the profiler's ~20 µs per event never reaches
 * {@code iter_time_s}). Writes {@code metrics.profile}, {@code peak_tensor_bytes} and
 * {@code profile_flops_matmul}, or {@code profile_absent} with the reason, and the Chrome trace to
 * {@code <trace dir>/<trial id>.json} ({@code <trial id>.rankR.json} for data-parallel ranks above 0) when the runner set
 * {@value #TRACE_DIR_PROPERTY}.
 */
public final class SampledProfile {
    /** Directory for Chrome traces, set by the runner ({@code DIR/traces}). */
    public static final String TRACE_DIR_PROPERTY = "metascale.trace.dir";
    /** Iterations to profile (default {@value #DEFAULT_ITERATIONS}); 0 turns profiling off. */
    public static final String ITERATIONS_PROPERTY = "metascale.profile.iterations";
    public static final int DEFAULT_ITERATIONS = 2;
    private static final int TOP_OPS = 15;

    private final int first;
    private final int last;
    private final Path trace;
    private KinetoProfiler.Window window;
    private OperatorProfile profile;
    private String absent;
    private PeakTensorMemory.Resident resident;

    private SampledProfile(int first, int last, Path trace, String absent) {
        this.first = first;
        this.last = last;
        this.trace = trace;
        this.absent = absent;
    }

    /** The window for a trial with {@code warmup} untimed iterations. */
    public static SampledProfile forTrial(String traceName, int warmup) {
        int k = Integer.getInteger(ITERATIONS_PROPERTY, DEFAULT_ITERATIONS);
        String dir = System.getProperty(TRACE_DIR_PROPERTY);
        Path trace = dir == null || dir.isBlank() ? null : Path.of(dir, traceName + ".json");
        if (k <= 0) {
            return new SampledProfile(-1, -1, null, "profiling turned off (-D" + ITERATIONS_PROPERTY + "=0)");
        }
        if (warmup < 1) {
            return new SampledProfile(-1, -1, null, "no warm-up iteration to profile (train.warmup is 0)");
        }
        // keep one un-profiled warm-up iteration first when there is room
        int window = Math.min(k, Math.max(1, warmup - 1));
        return new SampledProfile(warmup - window, warmup - 1, trace, null);
    }

    /**
     * No window, for a reason the record states as {@code profile_absent}: e.g. a trial whose operators run on
     * threads the profiler does not record, whose profile and peak tensor memory would be silently partial.
     */
    public static SampledProfile absent(String reason) {
        return new SampledProfile(-1, -1, null, reason);
    }

    /** Whether the window opens before iteration {@code it}: then give it {@link #residentAtOpen} first. */
    public boolean opensAt(int it) {
        return it == first && absent == null;
    }

    /** The tensors alive as the window opens, which its memory events cannot see: makes peak_tensor_bytes absolute. */
    public void residentAtOpen(PeakTensorMemory.Resident tensors) {
        this.resident = tensors;
    }

    /** Call before iteration {@code it} starts. */
    public void beforeIteration(int it) {
        if (it == first && absent == null) {
            Optional<KinetoProfiler.Window> w = KinetoProfiler.start();
            if (w.isEmpty()) {
                absent = KinetoProfiler.unavailableReason().orElse("the profiler could not start a window");
            } else {
                window = w.get();
            }
        }
    }

    /** Call after iteration {@code it} ended. */
    public void afterIteration(int it) {
        if (it == last && window != null) {
            try {
                profile = window.stop(last - first + 1, trace);
            } catch (RuntimeException e) {
                absent = e.getMessage();
            }
            window = null;
        }
    }

    /** Whether iteration {@code it} ran (or runs) under the profiler. */
    public boolean profiling(int it) {
        return window != null && it >= first && it <= last;
    }

    /** Whether the profiled window closes after iteration {@code it} (never when there is no window). */
    public boolean closesAfter(int it) {
        return last >= 0 && it == last;
    }

    /** The first profiled iteration (−1 when there is no window). */
    public int firstIteration() {
        return first;
    }

    public Optional<OperatorProfile> profile() {
        return Optional.ofNullable(profile);
    }

    /** Adds the profile metrics, or the reason they are absent. */
    public void writeTo(Metrics metrics) {
        if (profile != null) {
            metrics.set(Metric.PROFILE, profile.toJson(TOP_OPS));
            if (resident != null) {
                PeakTensorMemory peak = PeakTensorMemory.of(profile.peakTensorBytes(), resident);
                metrics.put(Metric.PEAK_TENSOR_BYTES, peak.total());
                metrics.set(Metric.PEAK_TENSOR_PARTS, peak);
            }
            metrics.put(Metric.PEAK_TENSOR_WINDOW_BYTES, profile.peakTensorBytes());
            metrics.put(Metric.PROFILE_FLOPS_MATMUL_PER_ITER, profile.countedFlops() / profile.windowIterations());
            if (trace != null) {
                metrics.put(Metric.PROFILE_TRACE, trace.toString());
            }
        } else {
            metrics.put(Metric.PROFILE_ABSENT, absent == null ? "profile window not reached" : absent);
        }
    }
}

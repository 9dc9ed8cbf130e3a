package dev.metascale.core.result;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every name of a trial record's {@code metrics}, with its kind and unit: the worker writes through these and every
 * reader (report, compare, advise, CSV) reads through them, so a name exists in one place. Documented row by row
 * in {@code docs/results-schema.md} (a test holds the two together). Absent in a record = not measured.
 */
public enum Metric {
    ACCURACY("accuracy", Kind.DISTRIBUTION, "fraction"),
    F1_MACRO("f1_macro", Kind.DISTRIBUTION, "fraction"),
    PERPLEXITY("perplexity", Kind.DISTRIBUTION, "1"),
    BITS_PER_CHAR("bits_per_char", Kind.DISTRIBUTION, "bit"),
    ITER_TIME_S("iter_time_s", Kind.DISTRIBUTION, "s"),
    /** CUDA only: each timed iteration's device time between CUDA events on the stream (absent off CUDA). */
    ITER_DEVICE_TIME_S("iter_device_time_s", Kind.DISTRIBUTION, "s"),
    TRAIN_TIME_S("train_time_s", Kind.NUMBER, "s"),
    PROFILE_WINDOW_S("profile_window_s", Kind.NUMBER, "s"),
    PROFILED_ITERATIONS("profiled_iterations", Kind.NUMBER, "count"),
    HOST_BUSY_CPUS("host_busy_cpus", Kind.NUMBER, "CPUs"),
    HOST_OTHER_CPUS("host_other_cpus", Kind.NUMBER, "CPUs"),
    CPU_STEAL_FRACTION("cpu_steal_fraction", Kind.NUMBER, "fraction"),
    EVAL_TIME_S("eval_time_s", Kind.NUMBER, "s"),
    DATA_PREP_TIME_S("data_prep_time_s", Kind.NUMBER, "s"),
    DATA_WAIT_S("data_wait_s", Kind.NUMBER, "s"),
    DATA_LOAD_S("data_load_s", Kind.NUMBER, "s"),
    DATA_PREFETCH("data_prefetch", Kind.TEXT, ""),
    THROUGHPUT_TASKS_PER_S("throughput_tasks_per_s", Kind.NUMBER, "1/s"),
    THROUGHPUT_SAMPLES_PER_S("throughput_samples_per_s", Kind.NUMBER, "1/s"),
    PEAK_RSS_BYTES("peak_rss_bytes", Kind.NUMBER, "bytes"),
    PEAK_RSS_PROFILE_WINDOW_BYTES("peak_rss_profile_window_bytes", Kind.NUMBER, "bytes"),
    RSS_BEFORE_TRAIN_BYTES("rss_before_train_bytes", Kind.NUMBER, "bytes"),
    MEMORY_ESTIMATE_BYTES("memory_estimate_bytes", Kind.NUMBER, "bytes"),
    PEAK_RSS_EVAL_BYTES("peak_rss_eval_bytes", Kind.NUMBER, "bytes"),
    /** The CUDA caching allocator's peak of allocated bytes over meta-training (absent off CUDA). */
    PEAK_DEVICE_BYTES("peak_device_bytes", Kind.NUMBER, "bytes"),
    /** The CUDA caching allocator's peak over the evaluation (reset at its start; absent off CUDA). */
    PEAK_DEVICE_EVAL_BYTES("peak_device_eval_bytes", Kind.NUMBER, "bytes"),
    /** Host bytes held at most by checkpoint inputs offloaded from the device ({@code techniques.offload}). */
    OFFLOAD_HOST_BYTES("offload_host_bytes", Kind.NUMBER, "bytes"),
    FINAL_TRAIN_LOSS("final_train_loss", Kind.NUMBER, "1"),
    PARAM_COUNT("param_count", Kind.NUMBER, "1"),
    FLOPS_PER_ITER("flops_per_iter", Kind.NUMBER, "FLOP"),
    FLOPS_BASIS("flops_basis", Kind.TEXT, ""),
    FLOPS_BREAKDOWN("flops_breakdown", Kind.OBJECT, ""),
    FLOPS_TOTAL("flops_total", Kind.NUMBER, "FLOP"),
    ACHIEVED_FLOPS_PER_S("achieved_flops_per_s", Kind.NUMBER, "FLOP/s"),
    MFU("mfu", Kind.NUMBER, "fraction"),
    HFU("hfu", Kind.NUMBER, "fraction"),
    MFU_PEAK_FLOPS_PER_S("mfu_peak_flops_per_s", Kind.NUMBER, "FLOP/s"),
    MFU_PEAK_SOURCE("mfu_peak_source", Kind.TEXT, ""),
    PEAK_TENSOR_BYTES("peak_tensor_bytes", Kind.NUMBER, "bytes"),
    PEAK_TENSOR_PARTS("peak_tensor_parts", Kind.OBJECT, "bytes"),
    PEAK_TENSOR_WINDOW_BYTES("peak_tensor_window_bytes", Kind.NUMBER, "bytes"),
    PROFILE("profile", Kind.OBJECT, ""),
    PROFILE_TRACE("profile_trace", Kind.TEXT, "path"),
    PROFILE_FLOPS_MATMUL_PER_ITER("profile_flops_matmul_per_iter", Kind.NUMBER, "FLOP"),
    PROFILE_ABSENT("profile_absent", Kind.TEXT, ""),
    PROFILE_FLOPS_EXPECTED_PER_ITER("profile_flops_expected_per_iter", Kind.NUMBER, "FLOP"),
    PROFILE_FLOPS_RATIO("profile_flops_ratio", Kind.NUMBER, "1"),
    PROFILE_FLOPS_CHECK_ABSENT("profile_flops_check_absent", Kind.TEXT, ""),
    PROBE_OVERHEAD_S_PER_ITER("probe_overhead_s_per_iter", Kind.NUMBER, "s"),
    PROBE_OVERHEAD_FRACTION("probe_overhead_fraction", Kind.NUMBER, "fraction"),
    WORLD_SIZE("world_size", Kind.NUMBER, "1"),
    RANK("rank", Kind.NUMBER, "1"),
    COMM_TIME_S("comm_time_s", Kind.NUMBER, "s"),
    COMM_TIME_TOTAL_S("comm_time_total_s", Kind.NUMBER, "s"),
    COMM_SPAN_TOTAL_S("comm_span_total_s", Kind.NUMBER, "s"),
    COMM_SKEW_S("comm_skew_s", Kind.NUMBER, "s"),
    COMM_SKEW_TOTAL_S("comm_skew_total_s", Kind.NUMBER, "s"),
    COMM_BROADCAST_S("comm_broadcast_s", Kind.NUMBER, "s"),
    COMM_BROADCAST_WIRE_BYTES("comm_broadcast_wire_bytes", Kind.NUMBER, "bytes"),
    /** The process group's backend: gloo (CPU trials) or nccl (CUDA trials). */
    COMM_BACKEND("comm_backend", Kind.TEXT, ""),
    COMM_SEGMENTS("comm_segments", Kind.NUMBER, "count"),
    COMM_OVERLAPPED_FRACTION("comm_overlapped_fraction", Kind.NUMBER, "fraction"),
    COMM_BYTES("comm_bytes", Kind.NUMBER, "bytes"),
    COMM_WIRE_BYTES("comm_wire_bytes", Kind.NUMBER, "bytes"),
    COMM_BUS_BANDWIDTH_BYTES_PER_S("comm_bus_bandwidth_bytes_per_s", Kind.NUMBER, "bytes/s"),
    COMM_FRACTION("comm_fraction", Kind.NUMBER, "fraction"),
    METAGRAD_COSINE("metagrad_cosine", Kind.OBJECT, "1"),
    METAGRAD_REL_ERROR("metagrad_rel_error", Kind.OBJECT, "1"),
    METAGRAD_ABSENT("metagrad_absent", Kind.TEXT, ""),
    /**
     * The learning curve's last quarter: {@code {mean, ci95, n, from_iteration, to_iteration, undertrained}}, the paired
     * per-episode gain in validation score (accuracy, or perplexity's drop) from the point at 3/4 of training to the last;
     * undertrained when the gain exceeds its 95 % CI.
     */
    VAL_LAST_QUARTER_GAIN("val_last_quarter_gain", Kind.OBJECT, "1"),
    /** The validation score at the last point of the learning curve. */
    VAL_SCORE_FINAL("val_score_final", Kind.NUMBER, "1"),
    ITERATIONS_TO_TARGET("iterations_to_target", Kind.NUMBER, "count"),
    /** Training compute seconds (every iteration, warm-up and profiled ones included; validation excluded) to the target. */
    TIME_TO_TARGET_S("time_to_target_s", Kind.NUMBER, "s"),
    FLOPS_TO_TARGET("flops_to_target", Kind.NUMBER, "FLOP"),
    /** Peak resident set of meta-training up to the target. */
    PEAK_RSS_TO_TARGET_BYTES("peak_rss_to_target_bytes", Kind.NUMBER, "bytes"),
    /** Why a trial with train.until has no time to target (not reached within its iterations). */
    TARGET_ABSENT("target_absent", Kind.TEXT, "");

    /** What the value is. */
    public enum Kind {
        /** {@code {mean, std, ci95, n, ...}} over episodes or iterations. */
        DISTRIBUTION,
        NUMBER,
        TEXT,
        OBJECT
    }

    private final String key;
    private final Kind kind;
    private final String unit;

    Metric(String key, Kind kind, String unit) {
        this.key = key;
        this.kind = kind;
        this.unit = unit;
    }

    /** The name in the record. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public String unit() {
        return unit;
    }

    public static Optional<Metric> byKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}

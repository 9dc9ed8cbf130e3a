package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.core.stats.Statistics;
import dev.metascale.core.stats.Summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * One configuration (all seeds of one {@code config_id}) reduced to the numbers the report shows.
 * Every cost metric is the mean over the seeds that measured it; a metric no seed measured is
 * empty, never zero.
 *
 * @param configId            the shared {@code config_id}
 * @param label               unique human label, e.g. {@code maml conv4 5w1s}
 * @param spec                the spec of the first seed (identical to the others but for the seed)
 * @param seeds               the seeds of the ok trials, in record order
 * @param accuracy            accuracy with its interval; empty when no seed measured it
 * @param perplexity          language-model tasks: query perplexity after adaptation with its interval (lower is
 *                            better); empty when no seed measured it
 * @param bitsPerChar         language-model tasks: the same cross-entropy in bits per character
 * @param iterTimeS           median time of one meta-iteration, s (mean over seeds of each trial's median)
 * @param trainTimeS          total meta-training time, s
 * @param throughputTasksPerS meta-training throughput, tasks/s
 * @param peakRssBytes        peak resident set during meta-training, bytes: the host footprint (JVM, libtorch, data)
 * @param peakTensorBytes     the learner's own peak of live tensors (parameters, gradients, optimiser state,
 *                            activations), bytes: the memory a technique changes, identical between reruns
 * @param paramCount          parameters of the model
 * @param flopsTotal          FLOPs of all meta-training ({@code flops_total}); empty until the FLOP counter records it
 * @param metagradCosine      meta-gradient fidelity: mean cosine of the learner's outer direction to the exact
 *                            second-order MAML meta-gradient ({@code metagrad_cosine}); empty when not measured
 * @param metagradRelError    the mean relative error of the same ({@code metagrad_rel_error}; none for Reptile)
 * @param timeToTargetS       training seconds to the target validation score ({@code train.until}), mean over the seeds
 *                            that reached it; empty when none did (or no target was set)
 * @param seedsToTarget       seeds that reached the target
 * @param undertrainedSeeds   seeds whose learning curve still improved over its last quarter beyond the CI
 *                            ({@code val_last_quarter_gain.undertrained}); -1 when no seed recorded a curve
 */
public record ConfigurationSummary(
        String configId,
        String label,
        TrialSpec spec,
        List<Long> seeds,
        Optional<AccuracyEstimate> accuracy,
        Optional<AccuracyEstimate> perplexity,
        Optional<AccuracyEstimate> bitsPerChar,
        OptionalDouble iterTimeS,
        OptionalDouble trainTimeS,
        OptionalDouble throughputTasksPerS,
        OptionalDouble peakRssBytes,
        OptionalDouble peakTensorBytes,
        OptionalDouble paramCount,
        OptionalDouble flopsTotal,
        OptionalDouble metagradCosine,
        OptionalDouble metagradRelError,
        OptionalDouble timeToTargetS,
        int seedsToTarget,
        int undertrainedSeeds) {

    private static final double MIB = 1024.0 * 1024.0;

    public ConfigurationSummary {
        seeds = List.copyOf(seeds);
    }

    /**
     * Aggregates the ok trials of one configuration.
     *
     * @param label  the unique label to show
     * @param trials ok trials sharing one {@code config_id}; at least one
     */
    public static ConfigurationSummary of(String label, List<TrialResult> trials) {
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("configuration " + label + " has no ok trial to aggregate");
        }
        TrialResult first = trials.get(0);
        List<Long> seeds = trials.stream().map(t -> t.spec().seed()).toList();
        return new ConfigurationSummary(first.configId(), label, first.spec(), seeds,
                estimate(trials, Metric.ACCURACY),
                estimate(trials, Metric.PERPLEXITY),
                estimate(trials, Metric.BITS_PER_CHAR),
                meanOverSeeds(trials, t -> timingMedian(t, Metric.ITER_TIME_S)),
                meanOverSeeds(trials, t -> t.metric(Metric.TRAIN_TIME_S)),
                meanOverSeeds(trials, t -> t.metric(Metric.THROUGHPUT_TASKS_PER_S)),
                meanOverSeeds(trials, t -> t.metric(Metric.PEAK_RSS_BYTES)),
                meanOverSeeds(trials, t -> t.metric(Metric.PEAK_TENSOR_BYTES)),
                meanOverSeeds(trials, t -> t.metric(Metric.PARAM_COUNT)),
                meanOverSeeds(trials, t -> t.metric(Metric.FLOPS_TOTAL)),
                meanOverSeeds(trials, t -> t.metric(Metric.METAGRAD_COSINE)),
                meanOverSeeds(trials, t -> t.metric(Metric.METAGRAD_REL_ERROR)),
                meanOverSeeds(trials, t -> t.metric(Metric.TIME_TO_TARGET_S)),
                (int) trials.stream().filter(t -> t.metric(Metric.TIME_TO_TARGET_S).isPresent()).count(),
                undertrained(trials));
    }

    /** Seeds flagged undertrained by their learning curve; -1 when none has a curve's last quarter. */
    private static int undertrained(List<TrialResult> trials) {
        List<JsonNode> gains = trials.stream().map(t -> t.metrics() == null ? null : t.metrics().get(Metric.VAL_LAST_QUARTER_GAIN.key()))
                .filter(g -> g != null && g.has("undertrained")).toList();
        return gains.isEmpty() ? -1 : (int) gains.stream().filter(g -> g.get("undertrained").asBoolean()).count();
    }

    /** The score this configuration is judged by: accuracy, or perplexity for a language model ({@link TaskScore#of}). */
    public Optional<TaskScore> scoreKind() {
        return TaskScore.of(this);
    }

    /** Its headline score ({@link #scoreKind()}); empty when neither accuracy nor perplexity was measured. */
    public Optional<AccuracyEstimate> score() {
        return scoreKind().flatMap(k -> k.estimate(this));
    }

    /** The headline score's mean with higher always better ({@link TaskScore#oriented}); empty when not measured. */
    public OptionalDouble orientedScore() {
        return scoreKind().map(k -> OptionalDouble.of(k.oriented(k.estimate(this).get().mean()))).orElse(OptionalDouble.empty());
    }

    /** Peak resident memory in MiB (2^20 bytes). */
    public OptionalDouble peakRssMib() {
        return peakRssBytes.isPresent() ? OptionalDouble.of(peakRssBytes.getAsDouble() / MIB) : OptionalDouble.empty();
    }

    /** The learner's own peak of live tensors in MiB. */
    public OptionalDouble peakTensorMib() {
        return peakTensorBytes.isPresent() ? OptionalDouble.of(peakTensorBytes.getAsDouble() / MIB) : OptionalDouble.empty();
    }

    /** Total meta-training FLOPs in GFLOP (10^9). */
    public OptionalDouble gigaFlops() {
        return flopsTotal.isPresent() ? OptionalDouble.of(flopsTotal.getAsDouble() / 1e9) : OptionalDouble.empty();
    }

    public int seedCount() {
        return seeds.size();
    }

    /**
     * A task metric ({@code accuracy}, {@code perplexity}, {@code bits_per_char}): with two or more
     * seeds the mean and Student-t CI of the per-seed means; with one, that trial's mean and its own
     * ci95 over test episodes.
     */
    static Optional<AccuracyEstimate> estimate(List<TrialResult> trials, Metric metric) {
        List<TrialResult> measured = trials.stream().filter(t -> t.metric(metric).isPresent()).toList();
        if (measured.isEmpty()) {
            return Optional.empty();
        }
        if (measured.size() == 1) {
            TrialResult trial = measured.get(0);
            Optional<JsonNode> distribution = trial.distribution(metric);
            OptionalDouble ci = distribution.filter(d -> d.has("ci95") && d.get("ci95").isNumber())
                    .map(d -> OptionalDouble.of(d.get("ci95").asDouble())).orElse(OptionalDouble.empty());
            int episodes = distribution.filter(d -> d.has("n")).map(d -> d.get("n").asInt()).orElse(0);
            return Optional.of(new AccuracyEstimate(trial.metric(metric).getAsDouble(), ci,
                    AccuracyEstimate.CiBasis.EPISODES, episodes));
        }
        double[] seedMeans = measured.stream().mapToDouble(t -> t.metric(metric).getAsDouble()).toArray();
        Summary summary = Statistics.summary(seedMeans);
        return Optional.of(new AccuracyEstimate(summary.mean(), OptionalDouble.of(summary.ci95()),
                AccuracyEstimate.CiBasis.SEEDS, summary.n()));
    }

    private static OptionalDouble timingMedian(TrialResult trial, Metric name) {
        Optional<JsonNode> distribution = trial.distribution(name);
        if (distribution.isPresent() && distribution.get().has("median")) {
            return OptionalDouble.of(distribution.get().get("median").asDouble());
        }
        return trial.metric(name);
    }

    private static OptionalDouble meanOverSeeds(List<TrialResult> trials, Function<TrialResult, OptionalDouble> metric) {
        List<Double> values = new ArrayList<>();
        for (TrialResult trial : trials) {
            metric.apply(trial).ifPresent(values::add);
        }
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Statistics.mean(values.stream().mapToDouble(Double::doubleValue).toArray()));
    }
}

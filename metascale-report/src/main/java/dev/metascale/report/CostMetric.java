package dev.metascale.report;

import dev.metascale.core.result.Metric;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/** A resource that the score (accuracy, or a language model's perplexity) is traded against: the x axis of a frontier chart. */
public enum CostMetric {
    /**
     * The learner's own peak of live tensors ({@code peak_tensor_bytes}: parameters, gradients, optimiser state,
     * activations), not the process's resident set: RSS differed up to 2× between identical reruns on this machine
     * (allocator and JVM state), more than the effects of the techniques; the tensor peak was identical to the byte.
     */
    PEAK_MEMORY("accuracy-vs-memory", "Accuracy vs peak memory", "peak tensor memory during meta-training (parameters,"
            + " gradients, optimiser state, activations)", "memory", "MiB", ConfigurationSummary::peakTensorMib, Metric.PEAK_TENSOR_BYTES),
    TRAINING_TIME("accuracy-vs-time", "Accuracy vs training time", "meta-training time", "training time", "s",
            ConfigurationSummary::trainTimeS, Metric.TRAIN_TIME_S),
    FLOPS("accuracy-vs-flops", "Accuracy vs FLOPs", "total meta-training compute", "compute", "GFLOP",
            ConfigurationSummary::gigaFlops, Metric.FLOPS_TOTAL),
    /** MLPerf's time-to-quality: training seconds until the validation curve met {@code train.until}. */
    TIME_TO_TARGET("accuracy-vs-time-to-target", "Accuracy vs time to target", "meta-training time until the validation"
            + " score reached train.until", "time to target", "s", ConfigurationSummary::timeToTargetS, Metric.TIME_TO_TARGET_S);

    private final String fileStem;
    private final String title;
    private final String quantity;
    private final String shortName;
    private final String unit;
    private final Function<ConfigurationSummary, OptionalDouble> value;
    private final Metric metric;

    CostMetric(String fileStem, String title, String quantity, String shortName, String unit,
               Function<ConfigurationSummary, OptionalDouble> value, Metric metric) {
        this.fileStem = fileStem;
        this.title = title;
        this.quantity = quantity;
        this.shortName = shortName;
        this.unit = unit;
        this.value = value;
        this.metric = metric;
    }

    /** File name without extension of the chart, e.g. {@code accuracy-vs-memory}. */
    public String fileStem() {
        return fileStem;
    }

    public String title() {
        return title;
    }

    /**
     * The title of this cost's frontiers for the scores a run has: {@link #title(TaskScore)} of the one, or
     * {@code Accuracy or perplexity vs …} for both.
     */
    public String title(List<TaskScore> scores) {
        if (scores.size() == 1) {
            return title(scores.get(0));
        }
        return scores.contains(TaskScore.PERPLEXITY) ? title.replaceFirst("^Accuracy", "Accuracy or perplexity") : title;
    }

    /** The file stem of this cost's chart for one score, e.g. {@code perplexity-vs-memory}. */
    public String fileStem(TaskScore score) {
        return score == TaskScore.ACCURACY ? fileStem : fileStem.replaceFirst("^accuracy", score.noun());
    }

    /** The title of this cost's chart for one score, e.g. {@code Perplexity vs peak memory}. */
    public String title(TaskScore score) {
        return score == TaskScore.ACCURACY ? title : title.replaceFirst("^Accuracy",
                Character.toUpperCase(score.noun().charAt(0)) + score.noun().substring(1));
    }

    /** What is measured, e.g. {@code peak memory (RSS during meta-training)}. */
    public String quantity() {
        return quantity;
    }

    /** The resource in two words or fewer, e.g. {@code memory}. */
    public String shortName() {
        return shortName;
    }

    public String unit() {
        return unit;
    }

    /** The record metric behind it, e.g. {@code peak_rss_bytes}. */
    public String metricName() {
        return metric.key();
    }

    /** This cost of a configuration in {@link #unit()}; empty when not measured. */
    public OptionalDouble of(ConfigurationSummary configuration) {
        return value.apply(configuration);
    }

    /**
     * The frontier over the configurations that have both this cost and a score, within each comparison group (the
     * same evaluation data set and episode shape, and the same score: {@link RunAnalysis#comparisonGroup(ConfigurationSummary)}).
     * The score is oriented ({@link TaskScore#oriented}): a language model's lower perplexity is the better point.
     */
    public ParetoFrontier<ConfigurationSummary> frontier(List<ConfigurationSummary> configurations) {
        List<ParetoPoint<ConfigurationSummary>> points = new ArrayList<>();
        for (ConfigurationSummary c : configurations) {
            OptionalDouble cost = of(c);
            if (cost.isPresent() && c.orientedScore().isPresent() && Double.isFinite(cost.getAsDouble())) {
                points.add(new ParetoPoint<>(c, cost.getAsDouble(), c.orientedScore().getAsDouble()));
            }
        }
        return ParetoFrontier.within(points, RunAnalysis::comparisonGroup);
    }
}

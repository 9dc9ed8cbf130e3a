package dev.metascale.report;

import dev.metascale.core.result.Metric;
import dev.metascale.core.result.SampleSeries;

import java.util.Locale;
import java.util.Optional;

/**
 * The headline score of a configuration: what its frontiers plot, its ranks and significance tests compare, and the
 * advisor ranks. Classification tasks are scored by test-episode accuracy (higher is better), language-model tasks by
 * query perplexity after adaptation (lower is better). Frontiers, ranks and dominance work on the <em>oriented</em>
 * score ({@link #oriented}: higher is always better, so perplexity enters negated) and one rule serves both; every
 * display shows the measured value in its own unit.
 */
public enum TaskScore {
    ACCURACY("accuracy", Metric.ACCURACY, SampleSeries.EPISODE_ACCURACY, true),
    PERPLEXITY("perplexity", Metric.PERPLEXITY, SampleSeries.EPISODE_PERPLEXITY, false);

    private final String noun;
    private final Metric metric;
    private final SampleSeries perEpisode;
    private final boolean higherIsBetter;

    TaskScore(String noun, Metric metric, SampleSeries perEpisode, boolean higherIsBetter) {
        this.noun = noun;
        this.metric = metric;
        this.perEpisode = perEpisode;
        this.higherIsBetter = higherIsBetter;
    }

    /** The score a configuration is judged by: its accuracy when it has one, else its perplexity; empty when neither. */
    public static Optional<TaskScore> of(ConfigurationSummary c) {
        return c.accuracy().isPresent() ? Optional.of(ACCURACY) : c.perplexity().isPresent() ? Optional.of(PERPLEXITY) : Optional.empty();
    }

    /** This score of {@code c}; empty when not measured. */
    public Optional<AccuracyEstimate> estimate(ConfigurationSummary c) {
        return this == ACCURACY ? c.accuracy() : c.perplexity();
    }

    /** The record metric, e.g. {@code accuracy}. */
    public Metric metric() {
        return metric;
    }

    /** The per-test-episode samples behind the metric, for paired tests. */
    public SampleSeries perEpisode() {
        return perEpisode;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** {@code accuracy} or {@code perplexity}. */
    public String noun() {
        return noun;
    }

    /** The value with higher always better: accuracy as it is, perplexity negated. */
    public double oriented(double value) {
        return higherIsBetter ? value : -value;
    }

    /** The value in display units: accuracy in %, perplexity as it is. */
    public double display(double value) {
        return this == ACCURACY ? value * 100 : value;
    }

    /** The y axis title of a frontier chart. */
    public String axisTitle() {
        return this == ACCURACY ? "accuracy (%)" : "query perplexity (lower is better, axis inverted)";
    }

    /** The estimate as the tables show it: {@code 71.3 ± 2.1 %} or {@code 12.34 ± 0.56}. */
    public String format(Optional<AccuracyEstimate> estimate) {
        return this == ACCURACY ? DisplayFormat.accuracy(estimate) : DisplayFormat.plain(estimate);
    }

    /** A single value in prose: {@code 71.3 %} or {@code perplexity 12.34}. */
    public String formatValue(double value) {
        return this == ACCURACY ? DisplayFormat.percent(value) + " %" : String.format(Locale.ROOT, "perplexity %.2f", value);
    }

    /** The unit of a difference of two scores in tables: percentage points or perplexity. */
    public String deltaUnit() {
        return this == ACCURACY ? "pp" : "perplexity";
    }

    /** {@code highest accuracy} or {@code lowest perplexity}. */
    public String best() {
        return (higherIsBetter ? "highest " : "lowest ") + noun;
    }

    /** {@code more accurate} or {@code lower in perplexity}: the comparative of a better score. */
    public String better() {
        return this == ACCURACY ? "more accurate" : "lower in perplexity";
    }

    /** The score of {@code c} as a table cell: its own kind's format, or {@link DisplayFormat#ABSENT}. */
    static String text(ConfigurationSummary c) {
        return of(c).map(k -> k.format(k.estimate(c))).orElse(DisplayFormat.ABSENT);
    }
}

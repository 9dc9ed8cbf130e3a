package dev.metascale.report;

/**
 * Which frontier chart: one cost against one score. A run of classification and language-model trials gets both an
 * {@code accuracy-vs-memory} and a {@code perplexity-vs-memory} chart, never one axis for the two.
 *
 * @param metric the cost on the x axis
 * @param score  the score on the y axis
 */
public record FrontierChart(CostMetric metric, TaskScore score) {
    public FrontierChart {
        java.util.Objects.requireNonNull(metric, "metric");
        java.util.Objects.requireNonNull(score, "score");
    }

    /** File name without extension, e.g. {@code perplexity-vs-memory}. */
    public String fileStem() {
        return metric.fileStem(score);
    }

    public String title() {
        return metric.title(score);
    }
}

package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.SampleSeries;
import dev.metascale.core.result.TrialResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Convergence evidence: each configuration's validation learning curve ({@code samples.val_curve}, mean over seeds at
 * each point), whether its last quarter still improved beyond the CI (undertrained), and its cost to the target.
 */
final class LearningCurveSection {
    private LearningCurveSection() {
    }

    static ReportSection of(RunAnalysis analysis) {
        String title = "Learning curves";
        List<SeriesChart.Series> series = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        boolean perplexity = false;
        for (ConfigurationSummary c : analysis.configurations()) {
            Map<Integer, double[]> sums = new TreeMap<>(); // iteration -> {sum, count}
            for (TrialResult t : analysis.trials(c.configId())) {
                JsonNode curve = t.samples() == null ? null : t.samples().get(SampleSeries.VAL_CURVE.key());
                if (curve == null) {
                    continue;
                }
                for (JsonNode point : curve) {
                    double[] acc = sums.computeIfAbsent(point.get("iteration").asInt(), k -> new double[2]);
                    acc[0] += point.get("mean").asDouble();
                    acc[1]++;
                }
            }
            if (sums.isEmpty()) {
                continue;
            }
            perplexity |= c.perplexity().isPresent();
            double[] x = new double[sums.size()];
            double[] y = new double[sums.size()];
            int i = 0;
            for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
                x[i] = e.getKey();
                double mean = e.getValue()[0] / e.getValue()[1];
                y[i++] = c.perplexity().isPresent() ? mean : mean * 100;
            }
            series.add(new SeriesChart.Series(c.label(), x, y, false, series.size()));
            double final_ = analysis.metric(c, Metric.VAL_SCORE_FINAL).orElse(Double.NaN);
            List<String> gains = new ArrayList<>();
            for (TrialResult t : analysis.trials(c.configId())) {
                JsonNode g = t.metrics().get(Metric.VAL_LAST_QUARTER_GAIN.key());
                if (g != null) {
                    double scale = c.perplexity().isPresent() ? 1 : 100;
                    gains.add(String.format(Locale.ROOT, "%+.1f ± %.1f", g.get("mean").asDouble() * scale, g.get("ci95").asDouble() * scale));
                }
            }
            String undertrained = c.undertrainedSeeds() < 0 ? DisplayFormat.ABSENT
                    : c.undertrainedSeeds() + " of " + c.seedCount();
            if (c.undertrainedSeeds() > 0) {
                flagged.add(c.label());
            }
            rows.add(List.of(c.label(), Double.isFinite(final_) ? (c.perplexity().isPresent() ? String.format(Locale.ROOT, "%.2f", final_)
                            : DisplayFormat.percent(final_)) : DisplayFormat.ABSENT,
                    gains.isEmpty() ? DisplayFormat.ABSENT : String.join("; ", gains), undertrained,
                    c.timeToTargetS().isPresent() ? DisplayFormat.number(c.timeToTargetS()) + " (" + c.seedsToTarget() + " of "
                            + c.seedCount() + " seeds)" : DisplayFormat.ABSENT));
        }
        if (series.isEmpty()) {
            return ReportSection.absent("curves", title, "No trial recorded a validation learning curve: set train.val_every (e.g."
                    + " `train: {iterations: 200, val_every: 20}`) to score the model on validation episodes during training,"
                    + " flag undertrained methods and, with train.until, measure the time to a target accuracy.");
        }
        List<String> sentences = new ArrayList<>();
        sentences.add("Validation episodes (classes disjoint from the test classes), scored outside the timed iterations."
                + " A configuration is undertrained when its paired gain from 3/4 of training to the end exceeds the gain's"
                + " 95 % CI: its ranking may change with a longer budget.");
        sentences.add(flagged.isEmpty() ? "No configuration was still improving at the end of training."
                : "Still improving at the end (undertrained): " + String.join(", ", flagged) + ".");
        ChartImage chart = ChartImage.render("learning-curves", SeriesChart.create(new SeriesChart.Layout("Validation learning curves",
                "mean over seeds", "meta-iterations", perplexity ? "validation perplexity" : "validation accuracy (%)", false, true), series));
        ReportTable table = new ReportTable(List.of("Configuration", "Final validation score", "Last-quarter gain (per seed, ± 95 % CI)",
                "Undertrained seeds", "Time to target (s)"), List.of(false, true, true, true, true), rows);
        return new ReportSection("curves", title, sentences, List.of(chart), List.of(table), null);
    }
}

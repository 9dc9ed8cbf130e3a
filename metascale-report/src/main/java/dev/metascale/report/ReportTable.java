package dev.metascale.report;

import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table of display strings shared by the HTML and the Markdown report, so that both show the
 * same numbers. Absent values are {@link DisplayFormat#ABSENT}.
 *
 * @param header  column titles
 * @param numeric per column: right-aligned numbers
 * @param rows    cells, one list per row
 */
public record ReportTable(List<String> header, List<Boolean> numeric, List<List<String>> rows) {

    /** Title of the results table's frontier column (the HTML report shows its cells as badges). */
    static final String FRONTIER_COLUMN = "Pareto frontier";

    /**
     * One row per configuration: accuracy, costs, seeds, and on which frontiers it lies. When a
     * configuration measured language-model tasks, perplexity and bits per character (lower is
     * better) follow the accuracy.
     */
    static ReportTable results(RunAnalysis analysis) {
        boolean languageModels = analysis.configurations().stream().anyMatch(c -> c.perplexity().isPresent());
        List<String> header = new ArrayList<>(List.of("Configuration", "Accuracy (mean ± 95 % CI)"));
        List<Boolean> numeric = new ArrayList<>(List.of(false, true));
        if (languageModels) {
            header.addAll(List.of("Perplexity (mean ± 95 % CI, lower is better)", "Bits per character (mean ± 95 % CI)"));
            numeric.addAll(List.of(true, true));
        }
        header.addAll(List.of("CI basis", "Iteration time, median (s)",
                "Training time (s)", "Throughput (tasks/s)", "Peak tensor memory (MiB)", "Peak RSS (MiB)", "Parameters", "Seeds", FRONTIER_COLUMN));
        numeric.addAll(List.of(false, true, true, true, true, true, true, true, false));
        List<List<String>> rows = new ArrayList<>();
        for (ConfigurationSummary c : analysis.configurations()) {
            List<String> row = new ArrayList<>(List.of(c.label(), DisplayFormat.accuracy(c.accuracy())));
            if (languageModels) {
                row.add(DisplayFormat.plain(c.perplexity()));
                row.add(DisplayFormat.plain(c.bitsPerChar()));
            }
            row.addAll(List.of(
                    c.accuracy().or(c::perplexity).map(AccuracyEstimate::basisDescription).orElse(DisplayFormat.ABSENT),
                    DisplayFormat.number(c.iterTimeS()),
                    DisplayFormat.number(c.trainTimeS()),
                    DisplayFormat.number(c.throughputTasksPerS()),
                    DisplayFormat.mib(c.peakTensorBytes()),
                    DisplayFormat.mib(c.peakRssBytes()),
                    DisplayFormat.count(c.paramCount()),
                    String.valueOf(c.seedCount()),
                    frontiers(analysis, c)));
            rows.add(row);
        }
        return new ReportTable(List.copyOf(header), List.copyOf(numeric), rows);
    }

    /**
     * One row per configuration with an accuracy: its rank by Meta-Dataset's tie rule and its
     * difference to the most accurate configuration with the test used (paired on shared test
     * episodes when possible, else Welch).
     */
    static ReportTable significance(RunAnalysis analysis) {
        java.util.Map<String, List<ConfigurationSummary>> groups = analysis.comparisonGroups();
        boolean grouped = groups.size() > 1;
        boolean languageModels = analysis.scoreKinds().contains(TaskScore.PERPLEXITY);
        boolean both = languageModels && analysis.scoreKinds().contains(TaskScore.ACCURACY);
        String unit = both ? "pp; perplexity for language models" : languageModels ? "perplexity" : "pp";
        List<String> header = new ArrayList<>(List.of("Configuration", both ? "Accuracy or perplexity" : languageModels ? "Perplexity" : "Accuracy",
                "Rank (CI ties)", "Δ vs best (" + unit + ")", "95 % CI of Δ (" + unit + ")", "p", "Test", "Verdict"));
        List<Boolean> numeric = new ArrayList<>(List.of(false, true, true, true, true, true, false, false));
        if (grouped) {
            // ranks and tests within groups of the same evaluation data, episode shape and score
            header.add(1, "Compared within");
            numeric.add(1, false);
        }
        List<List<String>> rows = new ArrayList<>();
        java.util.Map<ConfigurationSummary, Integer> ranks = analysis.ranks();
        for (java.util.Map.Entry<String, List<ConfigurationSummary>> group : groups.entrySet()) {
            ConfigurationSummary best = RunAnalysis.best(group.getValue()).orElse(null);
            if (best == null) {
                continue;
            }
            TaskScore score = best.scoreKind().orElseThrow();
            double scale = score.display(1);
            List<ConfigurationSummary> ordered = new ArrayList<>(group.getValue().stream().filter(ranks::containsKey).toList());
            ordered.sort(java.util.Comparator.comparingInt((ConfigurationSummary c) -> ranks.get(c))
                    .thenComparing(c -> -c.orientedScore().getAsDouble()));
            for (ConfigurationSummary c : ordered) {
                List<String> row;
                if (c == best) {
                    row = new ArrayList<>(List.of(c.label(), TaskScore.text(c), String.valueOf(ranks.get(c)), "0",
                            DisplayFormat.ABSENT, DisplayFormat.ABSENT, DisplayFormat.ABSENT, "best"));
                } else {
                    java.util.Optional<MeanDifference> d = AccuracyComparison.compare(analysis.trials(best.configId()),
                            analysis.trials(c.configId()), score);
                    row = new ArrayList<>(List.of(c.label(), TaskScore.text(c), String.valueOf(ranks.get(c)),
                            d.map(x -> signed(x.delta() * scale, score)).orElse(DisplayFormat.ABSENT),
                            d.map(x -> "± " + String.format(java.util.Locale.ROOT, score == TaskScore.ACCURACY ? "%.1f" : "%.2f", x.ci95() * scale))
                                    .orElse(DisplayFormat.ABSENT),
                            d.map(x -> pValue(x.pValue())).orElse(DisplayFormat.ABSENT),
                            d.map(MeanDifference::describe).orElse(DisplayFormat.ABSENT),
                            d.map(x -> x.significant() ? "worse" : "not significantly different").orElse("no test possible")));
                }
                if (grouped) {
                    row.add(1, group.getKey());
                }
                rows.add(row);
            }
        }
        return new ReportTable(List.copyOf(header), List.copyOf(numeric), rows);
    }

    private static String signed(double v, TaskScore score) {
        return String.format(java.util.Locale.ROOT, score == TaskScore.ACCURACY ? "%+.1f" : "%+.2f", v);
    }

    static String signed(double v) {
        return String.format(java.util.Locale.ROOT, "%+.1f", v);
    }

    static String pValue(double p) {
        return p < 0.001 ? "< 0.001" : String.format(java.util.Locale.ROOT, "%.3f", p);
    }

    /** One row per failed record. */
    static ReportTable failures(RunAnalysis analysis) {
        List<String> header = List.of("Configuration", "Seed", "Error", "Message", "Re-run");
        List<Boolean> numeric = List.of(false, true, false, false, false);
        List<List<String>> rows = new ArrayList<>();
        for (FailedTrial f : analysis.failures()) {
            rows.add(List.of(f.label(), String.valueOf(f.seed()), f.kind(), f.message(), f.laterOk() ? "later ok" : "—"));
        }
        return new ReportTable(header, numeric, rows);
    }

    /** One row per configuration (also failed ones): every hyperparameter, compactly. */
    static ReportTable hyperparameters(RunAnalysis analysis) {
        List<String> header = List.of("Configuration", "Data set", "Sampler", "Model", "Algorithm", "Inner lr",
                "Inner steps (train / eval)", "Outer lr (Adam)", "Meta-batch", "Iterations (warm-up)",
                "Test episodes (seed)", "Precision", "Checkpointing", "World size", "Seeds");
        List<Boolean> numeric = new ArrayList<>();
        header.forEach(h -> numeric.add(false));
        List<List<String>> rows = new ArrayList<>();
        for (ConfigurationSpec c : analysis.specs()) {
            TrialSpec s = c.spec();
            rows.add(List.of(
                    c.label(),
                    s.dataset(),
                    s.sampler().kind() + " " + s.sampler().ways() + "-way " + s.sampler().shots() + "-shot, " + s.sampler().query() + " query",
                    s.model().label(),
                    s.algorithm().name(),
                    plain(s.algorithm().innerLr()),
                    s.algorithm().innerSteps() + " / " + s.algorithm().evalInnerSteps(),
                    plain(s.algorithm().outerLr()),
                    String.valueOf(s.algorithm().metaBatch()),
                    s.train().iterations() + " (" + s.train().warmup() + ")",
                    s.eval().episodes() + " (" + s.eval().seed() + ")",
                    s.techniques().precision(),
                    s.techniques().checkpointing() == 0 ? "off" : s.techniques().checkpointing() + " segments",
                    String.valueOf(s.techniques().worldSize()),
                    c.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))));
        }
        return new ReportTable(header, List.copyOf(numeric), rows);
    }

    private static String frontiers(RunAnalysis analysis, ConfigurationSummary c) {
        List<String> on = new ArrayList<>();
        for (CostMetric metric : CostMetric.values()) {
            if (analysis.frontier(metric).isOnFrontier(c)) {
                on.add(metric.shortName());
            }
        }
        return on.isEmpty() ? "" : String.join(", ", on);
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}

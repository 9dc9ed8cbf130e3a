package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.core.tune.TuneSelection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The report's account of a tuning search ({@code phase: tune} records): for every method, each candidate's setting
 * and validation score, the one its test trials ran at, and the budget it spent — search trials, worker time and
 * training FLOPs — so a reader can check that every method had the same.
 */
final class TuningSection {
    private TuningSection() {
    }

    /** One candidate of a method's search: its setting and its score over the seeds recorded ok. */
    record Candidate(AlgorithmSpec setting, double score, int seeds, int failed, double wallS, double trainFlops) {
    }

    /** One method's search (one configuration of the suite, its searched keys aside). */
    record Search(String label, String method, List<String> varied, List<Candidate> candidates, AlgorithmSpec selected,
                  boolean selectedByTrials) {
        int trials() {
            return candidates.stream().mapToInt(c -> c.seeds() + c.failed()).sum();
        }

        double wallS() {
            return candidates.stream().mapToDouble(Candidate::wallS).sum();
        }

        double trainFlops() {
            return candidates.stream().mapToDouble(Candidate::trainFlops).sum();
        }
    }

    /**
     * The key shared by a search's trials and the suite's trials it tuned: the spec without its seed, its evaluation
     * and its hyperparameter values (the algorithm's name kept).
     */
    static String methodKey(TrialSpec spec) {
        ObjectNode identity = spec.identity();
        identity.remove("seed");
        identity.remove("eval");
        identity.set("algorithm", Json.MAPPER.createObjectNode().put("name", spec.algorithm().name()));
        return identity.toString();
    }

    static List<Search> searches(RunAnalysis analysis) {
        Map<String, Map<AlgorithmSpec, List<TrialResult>>> byMethod = new LinkedHashMap<>();
        for (TrialResult r : analysis.searchRecords()) {
            byMethod.computeIfAbsent(methodKey(r.spec()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.spec().algorithm(), k -> new ArrayList<>()).add(r);
        }
        Map<String, AlgorithmSpec> ranAt = new LinkedHashMap<>();
        for (TrialResult r : analysis.records()) {
            ranAt.putIfAbsent(methodKey(r.spec()), r.spec().algorithm());
        }
        List<Search> searches = new ArrayList<>();
        byMethod.forEach((key, candidates) -> {
            List<Candidate> scored = new ArrayList<>();
            TrialSpec first = candidates.values().iterator().next().get(0).spec();
            for (Map.Entry<AlgorithmSpec, List<TrialResult>> e : candidates.entrySet()) {
                Map<String, TrialResult> lastByTrial = TuneSelection.recordPerTrial(e.getValue());
                double sum = 0;
                int ok = 0;
                int failed = 0;
                double wall = 0;
                double flops = 0;
                for (TrialResult r : lastByTrial.values()) {
                    wall += r.wallTimeS();
                    OptionalDouble score = r.isOk() ? TuneSelection.score(r) : OptionalDouble.empty();
                    if (score.isPresent()) {
                        sum += score.getAsDouble();
                        ok++;
                        flops += r.metric(Metric.FLOPS_TOTAL).orElse(0);
                    } else {
                        failed++;
                    }
                }
                scored.add(new Candidate(e.getKey(), ok == 0 ? Double.NaN : sum / ok, ok, failed, wall, flops));
            }
            AlgorithmSpec selected = ranAt.get(key);
            boolean byTrials = selected != null && candidates.containsKey(selected);
            if (!byTrials) {
                selected = scored.stream().filter(c -> c.failed() == 0 && Double.isFinite(c.score()))
                        .max(java.util.Comparator.comparingDouble(Candidate::score)).map(Candidate::setting).orElse(null);
            }
            searches.add(new Search(first.label(), first.algorithm().name(), varied(candidates.keySet()), scored, selected, byTrials));
        });
        return searches;
    }

    /** The hyperparameters whose value differs between the candidates. */
    private static List<String> varied(Set<AlgorithmSpec> settings) {
        List<String> keys = new ArrayList<>(List.of("inner_lr", "inner_steps", "eval_inner_steps", "outer_lr", "meta_batch", "cg_steps",
                "imaml_lambda", "lora_rank", "adapter_size"));
        settings.forEach(s -> s.options().keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add));
        List<String> varied = new ArrayList<>();
        for (String key : keys) {
            Set<String> values = new LinkedHashSet<>();
            settings.forEach(s -> values.add(String.valueOf(s.value(key))));
            if (values.size() > 1) {
                varied.add(key);
            }
        }
        return varied;
    }

    static ReportSection of(RunAnalysis analysis) {
        String title = "Tuning";
        List<Search> searches = searches(analysis);
        if (searches.isEmpty()) {
            return ReportSection.absent("tuning", title, "No tuning search was run: the methods ran at the settings their suite"
                    + " wrote. Add a tune: block (see suites/standard-tuned.yaml) to give every method the same search budget on"
                    + " the validation classes before its test trials.");
        }
        List<String> sentences = new ArrayList<>();
        Set<Integer> budgets = new LinkedHashSet<>();
        searches.forEach(s -> budgets.add(s.candidates().size()));
        sentences.add("Every candidate was trained as its method's test trials are and scored on validation episodes (classes"
                + " disjoint from the test classes); each method's test trials ran at its best candidate. "
                + (budgets.size() == 1 ? "Every method had the same budget: " + budgets.iterator().next() + " candidates."
                : "The methods' budgets differ (" + String.join(", ", searches.stream().map(s -> s.method() + " " + s.candidates().size())
                .toList()) + " candidates): the search is incomplete or was planned unequally, so the comparison is not budget-matched."));
        List<List<String>> budgetRows = new ArrayList<>();
        List<ReportTable> tables = new ArrayList<>();
        for (Search s : searches) {
            Candidate best = s.candidates().stream().filter(c -> c.setting().equals(s.selected())).findFirst().orElse(null);
            budgetRows.add(List.of(s.label(), String.valueOf(s.candidates().size()), String.valueOf(s.trials()),
                    DisplayFormat.number(s.wallS()), s.trainFlops() > 0 ? String.format(Locale.ROOT, "%.3g", s.trainFlops()) : DisplayFormat.ABSENT,
                    s.selected() == null ? "none (every candidate failed)" : setting(s.selected(), s.varied()),
                    best == null ? DisplayFormat.ABSENT : score(best.score())));
        }
        tables.add(new ReportTable(List.of("Method", "Candidates", "Search trials", "Worker time (s)", "Training FLOPs",
                "Selected setting", "Validation score"), List.of(false, true, true, true, true, false, true), budgetRows));
        List<String> allVaried = new ArrayList<>();
        searches.forEach(s -> s.varied().stream().filter(k -> !allVaried.contains(k)).forEach(allVaried::add));
        List<List<String>> rows = new ArrayList<>();
        for (Search s : searches) {
            for (int i = 0; i < s.candidates().size(); i++) {
                Candidate c = s.candidates().get(i);
                List<String> row = new ArrayList<>();
                row.add(s.label());
                row.add(String.valueOf(i + 1));
                allVaried.forEach(k -> row.add(s.varied().contains(k) ? String.valueOf(c.setting().value(k)) : ""));
                row.add(Double.isFinite(c.score()) ? score(c.score()) : DisplayFormat.ABSENT);
                row.add(c.seeds() + (c.failed() > 0 ? " (+" + c.failed() + " failed)" : ""));
                row.add(c.setting().equals(s.selected()) ? (s.selectedByTrials() ? "selected" : "best (test trials not run)") : "");
                rows.add(row);
            }
        }
        List<String> header = new ArrayList<>(List.of("Method", "#"));
        header.addAll(allVaried);
        header.addAll(List.of("Validation score", "Seeds ok", "Chosen"));
        List<Boolean> numeric = new ArrayList<>(List.of(false, true));
        allVaried.forEach(k -> numeric.add(true));
        numeric.addAll(List.of(true, true, false));
        tables.add(new ReportTable(header, numeric, rows));
        List<SeriesChart.Series> series = new ArrayList<>();
        for (int m = 0; m < searches.size(); m++) {
            Search s = searches.get(m);
            double[] x = new double[s.candidates().size()];
            double[] y = new double[s.candidates().size()];
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < x.length; i++) {
                double v = s.candidates().get(i).score();
                if (Double.isFinite(v)) {
                    best = Math.max(best, v);
                }
                x[i] = i + 1;
                y[i] = Double.isFinite(best) ? display(best) : Double.NaN;
            }
            series.add(new SeriesChart.Series(s.label(), x, y, false, m));
        }
        ChartImage chart = ChartImage.render("tuning-progress", SeriesChart.create(new SeriesChart.Layout("Tuning: best validation"
                + " score so far", "a flat tail means the budget sufficed for that method", "candidates tried", "validation score",
                false, true), series));
        sentences.add("Validation score: mean accuracy (%) over the candidate's seeds, or for a language model its perplexity"
                + " negated (higher is better either way).");
        return new ReportSection("tuning", title, sentences, List.of(chart), tables, null);
    }

    private static String setting(AlgorithmSpec a, List<String> keys) {
        if (keys.isEmpty()) {
            return "the suite's setting";
        }
        List<String> parts = new ArrayList<>();
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
            String k = it.next();
            parts.add(k + " " + a.value(k));
        }
        return String.join(", ", parts);
    }

    /** Accuracy as a percentage; a negated perplexity as it is. */
    private static double display(double score) {
        return score >= 0 && score <= 1 ? score * 100 : score;
    }

    private static String score(double score) {
        return score >= 0 && score <= 1 ? String.format(Locale.ROOT, "%.1f %%", score * 100) : String.format(Locale.ROOT, "%.2f", score);
    }
}

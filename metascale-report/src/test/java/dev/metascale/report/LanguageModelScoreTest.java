package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Language-model runs (perplexity, lower is better) join the frontiers, ranks, significance tests, {@code compare} and
 * {@code advise}: before, every one of them read accuracy only, so a language model was left out of all of them — or,
 * judged as if higher were better, its worst configuration would have been called best.
 */
class LanguageModelScoreTest {

    private static TrialSpec lm(String algorithm, long seed) {
        return new TrialSpec("lm", "udhr", new SamplerSpec("fixed", 1, 4, 8), new ModelSpec("char-lm", "tiny", List.of(), 0),
                new AlgorithmSpec(algorithm, 0.1, 1, 5, 0.003, 4), new TrainSpec(20, 3), new EvalSpec(30, 1000, null),
                new TechniqueSpec("fp32", 0, 1), seed, 600, "none");
    }

    /** A language-model record: perplexity {mean, std, n} over 30 episodes with its per-episode samples. */
    private static TrialResult lmRecord(String algorithm, long seed, double perplexity, double tensorMib, double timeS) {
        ObjectNode metrics = Trials.metrics().tensorMib(tensorMib).scalar("train_time_s", timeS).scalar("peak_rss_bytes", tensorMib * 5 * Trials.MIB).build();
        ObjectNode p = metrics.putObject("perplexity");
        p.put("mean", perplexity);
        p.put("std", 0.4);
        p.put("ci95", 0.15);
        p.put("n", 30);
        ObjectNode samples = Json.MAPPER.createObjectNode();
        var episodes = samples.putArray("episode_perplexity");
        for (int e = 0; e < 30; e++) {
            episodes.add(perplexity + 0.3 * Math.sin(e + seed));
        }
        return TrialResult.ok(lm(algorithm, seed), Trials.dataset(), Trials.env(), metrics, samples,
                "2025-06-01T10:00:00Z", "2025-06-01T10:01:00Z", 60.0);
    }

    /** maml: perplexity 8 at 40 MiB; fomaml: 11 at 20 MiB; reptile: 12 at 30 MiB (dominated by fomaml); two seeds each. */
    private static List<TrialResult> lmRun() {
        List<TrialResult> records = new ArrayList<>();
        for (long seed : new long[]{0, 1}) {
            records.add(lmRecord("maml", seed, 8.0 + 0.05 * seed, 40, 100));
            records.add(lmRecord("fomaml", seed, 11.0 + 0.05 * seed, 20, 60));
            records.add(lmRecord("reptile", seed, 12.0 + 0.05 * seed, 30, 80));
        }
        return records;
    }

    /** A classification run beside it: protonet 90 % at 10 MiB. */
    private static List<TrialResult> withClassifier() {
        List<TrialResult> records = new ArrayList<>(lmRun());
        records.add(Trials.ok(Trials.spec("protonet", 0), Trials.metrics().accuracy(0.9, 0.02).tensorMib(10).scalar("train_time_s", 30)
                .scalar("peak_rss_bytes", 50 * Trials.MIB)));
        return records;
    }

    private static ConfigurationSummary config(RunAnalysis analysis, String algorithm) {
        return analysis.configurations().stream().filter(c -> c.spec().algorithm().name().equals(algorithm)).findFirst().orElseThrow();
    }

    @Test
    void lowerPerplexityIsTheBetterPointOnEveryFrontier() {
        RunAnalysis analysis = RunAnalysis.of(withClassifier());
        ParetoFrontier<ConfigurationSummary> memory = analysis.frontier(CostMetric.PEAK_MEMORY);
        assertTrue(memory.isOnFrontier(config(analysis, "maml")), "lowest perplexity: on the frontier");
        assertTrue(memory.isOnFrontier(config(analysis, "fomaml")), "least memory of the language models: on the frontier");
        assertFalse(memory.isOnFrontier(config(analysis, "reptile")), "more memory and higher perplexity than fomaml: dominated");
        assertTrue(memory.isOnFrontier(config(analysis, "protonet")),
                "a classifier is its own group: its accuracy is never weighed against a perplexity");
        assertEquals("udhr 1-way 4-shot, 8 queries, perplexity", RunAnalysis.comparisonGroup(config(analysis, "maml")));

        List<String> sentences = FrontierSummary.sentences(CostMetric.PEAK_MEMORY, memory);
        String maml = config(analysis, "maml").label();
        assertTrue(sentences.stream().anyMatch(s -> s.contains(maml + ": lowest perplexity (perplexity 8.03")),
                String.join("\n", sentences));
        assertTrue(sentences.stream().anyMatch(s -> s.startsWith("[glyphs") && s.contains("protonet")), String.join("\n", sentences));
    }

    @Test
    void ranksAndSignificancePutTheLowestPerplexityFirst() {
        RunAnalysis analysis = RunAnalysis.of(withClassifier());
        Map<ConfigurationSummary, Integer> ranks = analysis.ranks();
        assertEquals(1, ranks.get(config(analysis, "maml")));
        assertEquals(2, ranks.get(config(analysis, "fomaml")));
        assertEquals(3, ranks.get(config(analysis, "reptile")));
        assertEquals(1, ranks.get(config(analysis, "protonet")), "rank 1 of its own group");

        ReportTable table = ReportTable.significance(analysis);
        int within = table.header().indexOf("Compared within");
        int delta = table.header().indexOf("Δ vs best (pp; perplexity for language models)");
        int verdict = table.header().indexOf("Verdict");
        assertTrue(within >= 0 && delta >= 0, table.header().toString());
        List<List<String>> lmRows = table.rows().stream().filter(r -> r.get(within).endsWith("perplexity")).toList();
        assertEquals(List.of(config(analysis, "maml").label(), config(analysis, "fomaml").label(), config(analysis, "reptile").label()),
                lmRows.stream().map(r -> r.get(0)).toList(), "best (lowest perplexity) first");
        assertEquals("best", lmRows.get(0).get(verdict));
        assertEquals("+3.00", lmRows.get(1).get(delta), "fomaml's perplexity minus maml's, over the paired seeds");
        assertEquals("worse", lmRows.get(1).get(verdict));
    }

    @Test
    void advisePicksTheLowestPerplexityAndHoldsItToItsLimit() {
        RunAnalysis analysis = RunAnalysis.of(lmRun());
        List<Advisor.Verdict> verdicts = Advisor.advise(analysis, new Budget(OptionalDouble.of(1024 * Trials.MIB), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty()));
        List<Advisor.Verdict> recommended = verdicts.stream().filter(Advisor.Verdict::recommended).toList();
        assertEquals("maml", recommended.get(0).configuration().spec().algorithm().name(), Advisor.render(verdicts));
        assertEquals(1, recommended.get(0).rank());
        assertTrue(recommended.get(0).reason().startsWith("perplexity 8.03"), recommended.get(0).reason());
        assertTrue(verdicts.stream().anyMatch(v -> v.configuration().spec().algorithm().name().equals("reptile") && !v.recommended()
                && v.reason().contains("fomaml") && v.reason().contains("no higher perplexity")), Advisor.render(verdicts));

        List<Advisor.Verdict> limited = Advisor.advise(analysis, new Budget(OptionalDouble.of(1024 * Trials.MIB), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(Budget.parsePerplexity("10"))));
        assertEquals(List.of("maml"), limited.stream().filter(Advisor.Verdict::recommended).map(v -> v.configuration().spec().algorithm().name()).toList());
        assertTrue(limited.stream().anyMatch(v -> v.reason().contains("perplexity 11.03 ± ") && v.reason().contains("> 10.00")), Advisor.render(limited));

        List<Advisor.Verdict> byAccuracy = Advisor.advise(analysis, new Budget(OptionalDouble.of(1024 * Trials.MIB), OptionalDouble.empty(),
                OptionalDouble.of(0.5), OptionalDouble.empty()));
        assertTrue(byAccuracy.stream().noneMatch(Advisor.Verdict::recommended), "an accuracy floor cannot be checked on a language model");
        assertTrue(byAccuracy.get(0).reason().contains("--max-perplexity"), byAccuracy.get(0).reason());
    }

    @Test
    void compareFlagsAHigherPerplexityAsTheRegression() {
        List<TrialResult> a = lmRun();
        List<TrialResult> worse = new ArrayList<>();
        List<TrialResult> better = new ArrayList<>();
        for (long seed : new long[]{0, 1}) {
            worse.add(lmRecord("maml", seed, 9.5 + 0.05 * seed, 40, 100));
            better.add(lmRecord("maml", seed, 7.0 + 0.05 * seed, 40, 100));
        }
        RunComparison up = RunComparison.of(RunAnalysis.of(a.stream().filter(r -> r.spec().algorithm().name().equals("maml")).toList()),
                RunAnalysis.of(worse));
        assertTrue(up.hasRegression(), up.render());
        assertTrue(up.deltas().get(0).regressions().get(0).startsWith("perplexity +1.50"), up.render());
        RunComparison down = RunComparison.of(RunAnalysis.of(a.stream().filter(r -> r.spec().algorithm().name().equals("maml")).toList()),
                RunAnalysis.of(better));
        assertFalse(down.hasRegression(), "a lower perplexity is an improvement: " + down.render());
    }

    @Test
    void theReportDrawsAPerplexityFrontierOnAnInvertedAxisBesideTheAccuracyOne(@TempDir Path dir) throws Exception {
        RunAnalysis analysis = RunAnalysis.of(withClassifier());
        JFreeChart chart = ParetoChart.create(CostMetric.PEAK_MEMORY, TaskScore.PERPLEXITY, analysis.frontier(CostMetric.PEAK_MEMORY));
        XYPlot plot = chart.getXYPlot();
        assertTrue(plot.getRangeAxis().isInverted(), "lower perplexity drawn higher: up is better on every frontier chart");
        assertEquals("query perplexity (lower is better, axis inverted)", plot.getRangeAxis().getLabel());
        assertEquals(2, plot.getDataset(0).getItemCount(0), "on the frontier: fomaml and maml");
        assertEquals(1, plot.getDataset(0).getItemCount(1), "dominated: reptile; the classifier is on the accuracy chart only");
        assertEquals(11.025, plot.getDataset(0).getYValue(0, 0), 1e-9, "fomaml at its measured perplexity (cheapest first)");
        assertEquals(8.025, plot.getDataset(0).getYValue(0, 1), 1e-9, "maml at its measured perplexity");

        ResultStore store = new ResultStore(dir);
        for (TrialResult r : withClassifier()) {
            store.append(r);
        }
        ReportWriter.write(dir);
        Path report = dir.resolve(ReportWriter.REPORT_DIR);
        assertTrue(Files.exists(report.resolve("perplexity-vs-memory.svg")));
        assertTrue(Files.exists(report.resolve("accuracy-vs-memory.svg")));
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("Perplexity vs peak memory"), "captioned");
        assertTrue(html.contains("lowest perplexity"), "frontier sentences name the perplexity");
    }
}

package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frontiers never mix episode shapes: a 5-shot accuracy does not push a 1-shot method off its frontier. */
class GroupedFrontierTest {
    private static TrialResult trial(String algorithm, int shots, double accuracy, double mib) {
        TrialSpec one = Trials.spec(algorithm, 0);
        TrialSpec spec = new TrialSpec(one.suite(), one.dataset(), new SamplerSpec("fixed", 5, shots, 15), one.model(), one.algorithm(),
                one.train(), one.eval(), one.techniques(), 0, one.timeoutS(), one.fault());
        return Trials.ok(spec, Trials.metrics().accuracy(accuracy, 0.01).scalar("peak_tensor_bytes", mib * Trials.MIB)
                .scalar("peak_rss_bytes", mib * Trials.MIB).scalar("train_time_s", mib));
    }

    @Test
    void eachShapeHasItsOwnFrontier() {
        RunAnalysis analysis = RunAnalysis.of(List.of(trial("maml", 1, 0.90, 100), trial("protonet", 1, 0.85, 50),
                trial("maml", 5, 0.98, 40), trial("protonet", 5, 0.97, 30)));
        ParetoFrontier<ConfigurationSummary> memory = analysis.frontier(CostMetric.PEAK_MEMORY);

        assertEquals(4, memory.frontier().size(), "every 1-shot point would be dominated by 5-shot maml if shapes were mixed");
        List<String> sentences = FrontierSummary.sentences(CostMetric.PEAK_MEMORY, memory);
        assertTrue(sentences.stream().allMatch(s -> s.startsWith("[glyphs 5-way 1-shot") || s.startsWith("[glyphs 5-way 5-shot")), sentences.toString());
        assertEquals(2, memory.byGroup(c -> RunAnalysis.comparisonGroup(c.spec())).size());
        ChartImage chart = ChartImage.render("grouped", ParetoChart.create(CostMetric.PEAK_MEMORY, memory));
        assertTrue(chart.svgDocument().contains("5-shot") && chart.svgDocument().contains("1-shot"), "the legend names both groups");
    }

    @Test
    void withinOneShapeDominationStillApplies() {
        RunAnalysis analysis = RunAnalysis.of(List.of(trial("maml", 1, 0.90, 100), trial("protonet", 1, 0.95, 50)));
        assertEquals(1, analysis.frontier(CostMetric.PEAK_MEMORY).frontier().size());
    }

    @Test
    void advisorRanksWithinEachShape() {
        RunAnalysis analysis = RunAnalysis.of(List.of(trial("maml", 1, 0.90, 100), trial("protonet", 1, 0.80, 50),
                trial("maml", 5, 0.98, 40)));
        List<Advisor.Verdict> verdicts = Advisor.advise(analysis, new Budget(java.util.OptionalDouble.empty(),
                java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty()));
        List<Advisor.Verdict> recommended = verdicts.stream().filter(Advisor.Verdict::recommended).toList();
        assertEquals(3, recommended.size(), "5-shot maml is cheaper and more accurate, but dominates no 1-shot method: "
                + verdicts.stream().map(Advisor.Verdict::reason).toList());
        assertEquals(2, recommended.stream().filter(v -> v.rank() == 1).count(), "one rank 1 per shape");
        assertTrue(recommended.stream().allMatch(v -> v.reason().startsWith("[glyphs 5-way")), recommended.get(0).reason());
    }
}

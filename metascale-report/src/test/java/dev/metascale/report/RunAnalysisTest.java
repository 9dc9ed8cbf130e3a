package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunAnalysisTest {

    @Test
    void seedsOfOneConfigurationAreGroupedAndFailuresListed() {
        TrialResult failed = Trials.failed(Trials.spec("imaml", 0), "oom", "Java heap space");
        RunAnalysis analysis = RunAnalysis.of(List.of(
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.6, 0.05)),
                Trials.ok(Trials.spec("protonet", 0), Trials.metrics().accuracy(0.7, 0.05)),
                Trials.ok(Trials.spec("maml", 1), Trials.metrics().accuracy(0.62, 0.05)),
                failed));

        assertEquals(List.of("maml conv4 5w1s", "protonet conv4 5w1s"),
                analysis.configurations().stream().map(ConfigurationSummary::label).toList());
        assertEquals(2, analysis.configurations().get(0).seedCount());
        assertEquals(1, analysis.failures().size());
        FailedTrial f = analysis.failures().get(0);
        assertEquals("imaml conv4 5w1s", f.label());
        assertEquals("oom", f.kind());
        assertEquals("Java heap space", f.message());
        assertFalse(f.laterOk());
        assertEquals(3, analysis.specs().size(), "a configuration whose every trial failed still has its hyperparameters");
    }

    @Test
    void aFailedTrialLaterRerunOkIsFlaggedAndCountedOnce() {
        RunAnalysis analysis = RunAnalysis.of(List.of(
                Trials.failed(Trials.spec("maml", 0), "timeout", "passed 600 s"),
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.6, 0.05)),
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.8, 0.05))));
        assertTrue(analysis.failures().get(0).laterOk());
        ConfigurationSummary c = analysis.configurations().get(0);
        assertEquals(1, c.seedCount());
        assertEquals(0.8, c.accuracy().orElseThrow().mean(), 1e-12, "the last ok record of a trial counts");
    }

    @Test
    void clashingLabelsGetTheDifferingHyperparameters() {
        Map<String, String> labels = ConfigurationLabels.unique(Map.of(
                "a", Trials.spec("maml", 0.4, "fp32", 0),
                "b", Trials.spec("maml", 0.1, "fp32", 0),
                "c", Trials.spec("maml", 0.1, "bf16", 0),
                "d", Trials.spec("protonet", 0.4, "fp32", 0)));
        assertEquals("maml conv4 5w1s (inner_lr=0.4, precision=fp32)", labels.get("a"));
        assertEquals("maml conv4 5w1s (inner_lr=0.1, precision=fp32)", labels.get("b"));
        assertEquals("maml conv4 5w1s (inner_lr=0.1, precision=bf16)", labels.get("c"));
        assertEquals("protonet conv4 5w1s", labels.get("d"));
        assertNotEquals(labels.get("a"), labels.get("b"));
    }

    /** A technique left out of the spec's JSON at its default is labelled with that default, not "none". */
    @Test
    void labelsNameTheDefaultOfAnOmittedTechnique() {
        TrialSpec plain = Trials.spec("maml", 0);
        TechniqueSpec t = plain.techniques();
        TrialSpec overlapped = new TrialSpec(plain.suite(), plain.dataset(), plain.sampler(), plain.model(), plain.algorithm(),
                plain.train(), plain.eval(), new TechniqueSpec(t.precision(), t.checkpointing(), 2, t.scaling(), t.chunk(),
                t.offload(), t.parallelTasks(), true), plain.seed(), plain.timeoutS(), plain.fault());
        TrialSpec oneBucket = new TrialSpec(plain.suite(), plain.dataset(), plain.sampler(), plain.model(), plain.algorithm(),
                plain.train(), plain.eval(), new TechniqueSpec(t.precision(), t.checkpointing(), 2, t.scaling(), t.chunk(),
                t.offload(), t.parallelTasks(), false), plain.seed(), plain.timeoutS(), plain.fault());
        Map<String, String> labels = ConfigurationLabels.unique(Map.of("a", overlapped, "b", oneBucket));
        assertEquals("maml conv4 5w1s (overlap_allreduce=true)", labels.get("a"));
        assertEquals("maml conv4 5w1s (overlap_allreduce=false)", labels.get("b"));

        // a technique without a field (techniques.options) is named by its suite key, its default read when left out
        TrialSpec vectorized = new TrialSpec(plain.suite(), plain.dataset(), plain.sampler(), plain.model(), plain.algorithm(),
                plain.train(), plain.eval(), new TechniqueSpec(t.precision(), t.checkpointing(), t.worldSize(), t.scaling(), t.chunk(),
                t.offload(), t.parallelTasks(), false, Map.of("vectorize_tasks", true)), plain.seed(), plain.timeoutS(), plain.fault());
        Map<String, String> byOption = ConfigurationLabels.unique(Map.of("a", plain, "b", vectorized));
        assertEquals("maml conv4 5w1s (vectorize_tasks=false)", byOption.get("a"));
        assertEquals("maml conv4 5w1s (vectorize_tasks=true)", byOption.get("b"));
    }

    @Test
    void frontiersOnlyUseConfigurationsThatMeasuredBothAxes() {
        RunAnalysis analysis = RunAnalysis.of(List.of(
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.6, 0.05).peakMib(500).scalar("train_time_s", 30)),
                Trials.ok(Trials.spec("protonet", 0), Trials.metrics().accuracy(0.7, 0.05).peakMib(200)),
                Trials.ok(Trials.spec("fomaml", 0), Trials.metrics().accuracy(0.5, 0.05).peakMib(400).scalar("train_time_s", 10))));
        ParetoFrontier<ConfigurationSummary> memory = analysis.frontier(CostMetric.PEAK_MEMORY);
        assertEquals(List.of("protonet conv4 5w1s"), memory.frontier().stream().map(p -> p.item().label()).toList());
        ParetoFrontier<ConfigurationSummary> time = analysis.frontier(CostMetric.TRAINING_TIME);
        assertEquals(List.of("fomaml conv4 5w1s", "maml conv4 5w1s"), time.frontier().stream().map(p -> p.item().label()).toList());
        List<String> sentences = FrontierSummary.sentences(CostMetric.TRAINING_TIME, time);
        assertEquals("fomaml conv4 5w1s: least training time (50.0 % at 10.0 s)", sentences.get(0));
        assertEquals("maml conv4 5w1s: highest accuracy (60.0 % at 30.0 s)", sentences.get(1));
    }

    @Test
    void ranksAndTestsStayWithinTheSameEvaluationShape() {
        dev.metascale.core.spec.TrialSpec oneShot = Trials.spec("maml", 0);
        dev.metascale.core.spec.TrialSpec fiveShot = new dev.metascale.core.spec.TrialSpec("tiny", "glyphs",
                new dev.metascale.core.spec.SamplerSpec("fixed", 5, 5, 15), oneShot.model(), oneShot.algorithm(), oneShot.train(),
                oneShot.eval(), oneShot.techniques(), 0, 600, "none");
        RunAnalysis run = RunAnalysis.of(List.of(
                Trials.ok(oneShot, Trials.metrics().accuracy(0.60, 0.01)),
                Trials.ok(Trials.spec("fomaml", 0), Trials.metrics().accuracy(0.50, 0.01)),
                Trials.ok(fiveShot, Trials.metrics().accuracy(0.90, 0.01))));
        assertEquals(List.of("glyphs 5-way 1-shot, 15 queries", "glyphs 5-way 5-shot, 15 queries"),
                List.copyOf(run.comparisonGroups().keySet()));
        java.util.Map<ConfigurationSummary, Integer> ranks = run.ranks();
        java.util.Map<String, Integer> byAlgorithmShots = new java.util.HashMap<>();
        ranks.forEach((c, r) -> byAlgorithmShots.put(c.spec().algorithm().name() + c.spec().sampler().shots(), r));
        assertEquals(java.util.Map.of("maml1", 1, "fomaml1", 2, "maml5", 1), byAlgorithmShots,
                "the 5-shot accuracy does not outrank the 1-shot methods");
        ReportTable significance = ReportTable.significance(run);
        assertEquals("Compared within", significance.header().get(1));
        assertEquals(2, significance.rows().stream().filter(r -> r.get(r.size() - 1).equals("best")).count(), "one best per group");
    }
}

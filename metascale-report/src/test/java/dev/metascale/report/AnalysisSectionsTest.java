package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalysisSectionsTest {
    @Test
    void aModelSweepGivesScalingChartsWithTheFittedExponent() {
        List<TrialResult> records = new ArrayList<>();
        for (int channels : new int[]{8, 16, 32}) {
            double params = 100.0 * channels * channels;
            records.add(Trials.ok(Trials.spec("maml", channels, 4, 0), Trials.metrics().accuracy(0.6, 0.02)
                    .iterTime(1e-4 * params).peakMib(Math.sqrt(params)).scalar("param_count", params)));
        }
        ReportSection model = AnalysisSections.modelScaling(RunAnalysis.of(records));
        assertNull(model.absentHint());
        assertEquals(List.of("model-scaling-time", "model-scaling-memory", "model-scaling-accuracy"),
                model.charts().stream().map(ChartImage::name).toList());
        assertTrue(model.sentences().contains("maml: iteration time ∝ parameters^1.00 ± 0.00, R² 1.000 over 3 sizes"), model.sentences().toString());
        assertTrue(model.sentences().stream().anyMatch(s -> s.startsWith("maml: peak tensor memory ∝ parameters^0.50")), model.sentences().toString());
        // the same configurations differ in nothing else: no task or device sweep
        assertFalse(AnalysisSections.taskScaling(RunAnalysis.of(records)).hasData());
    }

    @Test
    void sectionsWithoutDataSayWhatToRun() {
        RunAnalysis run = RunAnalysis.of(SampleRun.records());
        for (ReportSection s : List.of(AnalysisSections.modelScaling(run), AnalysisSections.taskScaling(run),
                AnalysisSections.deviceScaling(run), AnalysisSections.profiles(run))) {
            assertFalse(s.hasData(), s.title());
            assertTrue(s.charts().isEmpty());
            assertTrue(s.absentHint().contains("sweep") || s.absentHint().contains("run "), s.absentHint());
        }
    }

    @Test
    void aMetaBatchSweepIsATaskScalingCurve() {
        List<TrialResult> records = new ArrayList<>();
        for (int mb : new int[]{1, 2, 4, 8}) {
            records.add(Trials.ok(Trials.spec("fomaml", 64, mb, 0), Trials.metrics().accuracy(0.6, 0.02).iterTime(0.05 * mb).peakMib(300 + 10 * mb)));
        }
        ReportSection task = AnalysisSections.taskScaling(RunAnalysis.of(records));
        assertTrue(task.hasData());
        assertEquals(List.of("task-scaling-meta-batch-time", "task-scaling-meta-batch-memory"), task.charts().stream().map(ChartImage::name).toList());
        assertTrue(task.sentences().get(0).startsWith("fomaml conv4: iteration time ∝ algorithm.meta_batch^1.00"), task.sentences().toString());
    }

    @Test
    void fidelityRanksTheApproximationsBesideTheirCosts() {
        List<TrialResult> records = List.of(
                Trials.ok(Trials.spec("fomaml", 0), Trials.metrics().accuracy(0.80, 0.02).iterTime(0.05).fidelity(0.62, 0.8)),
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.90, 0.02).iterTime(0.10).fidelity(1.0, 0.0)),
                Trials.ok(Trials.spec("reptile", 0), Trials.metrics().accuracy(0.85, 0.02).iterTime(0.04).fidelity(0.05, -1)),
                Trials.ok(Trials.spec("protonet", 0), Trials.metrics().accuracy(0.95, 0.02).iterTime(0.02)));
        ReportSection fidelity = AnalysisSections.fidelity(RunAnalysis.of(records));
        assertTrue(fidelity.hasData());
        List<List<String>> rows = fidelity.tables().get(0).rows();
        assertEquals(3, rows.size(), "protonet measured none");
        assertEquals(List.of("1.0000", "0.6200", "0.0500"), rows.stream().map(r -> r.get(1)).toList(), "most faithful first");
        assertTrue(rows.get(0).get(0).startsWith("maml"), rows.toString());
        assertEquals(DisplayFormat.ABSENT, rows.get(2).get(2), "Reptile has no relative error");
    }
}

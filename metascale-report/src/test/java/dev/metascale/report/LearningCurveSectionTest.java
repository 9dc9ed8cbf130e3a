package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningCurveSectionTest {
    private static TrialResult withCurve(String algorithm, long seed, boolean undertrained, Double timeToTarget) {
        Trials.Metrics metrics = Trials.metrics().accuracy(0.8, 0.02).scalar("val_score_final", 0.7);
        if (timeToTarget != null) {
            metrics.scalar("time_to_target_s", timeToTarget);
        }
        TrialResult r = Trials.ok(Trials.spec(algorithm, seed), metrics);
        r.metrics().set("val_last_quarter_gain", Json.MAPPER.createObjectNode().put("mean", undertrained ? 0.05 : 0.0)
                .put("ci95", 0.01).put("n", 50).put("from_iteration", 150).put("to_iteration", 200).put("undertrained", undertrained));
        ArrayNode curve = r.samples().putArray("val_curve");
        for (int it = 50; it <= 200; it += 50) {
            curve.addObject().put("iteration", it).put("mean", 0.4 + it / 1000.0).put("ci95", 0.02).put("n", 50);
        }
        return r;
    }

    @Test
    void curvesUndertrainedFlagAndTimeToTarget() {
        RunAnalysis analysis = RunAnalysis.of(List.of(withCurve("maml", 0, true, 12.0), withCurve("maml", 1, false, null),
                withCurve("protonet", 0, false, 3.0)));
        ReportSection section = LearningCurveSection.of(analysis);

        assertTrue(section.hasData());
        assertEquals(1, section.charts().size());
        List<List<String>> rows = section.tables().get(0).rows();
        assertEquals("1 of 2", rows.get(0).get(3), "one maml seed still improving");
        assertEquals("0 of 1", rows.get(1).get(3));
        assertTrue(rows.get(0).get(4).contains("(1 of 2 seeds)"), rows.get(0).toString());
        assertTrue(section.sentences().get(1).contains("maml"), section.sentences().toString());
        assertFalse(section.sentences().get(1).contains("protonet"));
        assertTrue(analysis.frontier(CostMetric.TIME_TO_TARGET).frontier().size() >= 1, "time to target is a Pareto axis");
    }

    @Test
    void withoutCurvesTheSectionSaysHowToRecordThem() {
        assertFalse(LearningCurveSection.of(RunAnalysis.of(List.of(Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.8, 0.02)))))
                .hasData());
    }
}

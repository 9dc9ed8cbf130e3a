package dev.metascale.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validation learning curve (train.val_every), the undertrained test, and training to a target (train.until). */
class LearningCurveTest {
    private static TrialSpec with(TrainSpec train) {
        TrialSpec base = TrialExecutorTest.spec("maml", 0.4, 2);
        return new TrialSpec(base.suite(), base.dataset(), base.sampler(), base.model(), base.algorithm(), train, base.eval(),
                base.techniques(), base.seed(), base.timeoutS(), base.fault());
    }

    private static TrialResult run(TrialSpec spec) {
        TrialResult r = TrialExecutor.execute(spec, 1, "t", line -> { });
        assertTrue(r.isOk(), () -> String.valueOf(r.error()));
        return r;
    }

    @Test
    void curveIsRecordedOnValidationEpisodesWithoutChangingTraining() {
        TrialResult plain = run(with(new TrainSpec(30, 2)));
        TrialResult curved = run(with(new TrainSpec(30, 2, 5, 20, null)));

        JsonNode curve = curved.samples().get("val_curve");
        assertEquals(6, curve.size(), "after 5, 10, ..., 30 iterations");
        assertEquals(5, curve.get(0).get("iteration").asInt());
        assertEquals(30, curve.get(5).get("iteration").asInt());
        assertEquals(20, curve.get(0).get("n").asInt());
        assertEquals(plain.samples().get("train_loss"), curved.samples().get("train_loss"),
                "scoring the validation episodes leaves training bit-identical");
        assertEquals(plain.metrics().get("accuracy").get("mean").asDouble(), curved.metrics().get("accuracy").get("mean").asDouble(), 1e-12);
        JsonNode gain = curved.metrics().get("val_last_quarter_gain");
        assertEquals(25, gain.get("from_iteration").asInt());
        assertEquals(30, gain.get("to_iteration").asInt());
        assertEquals(gain.get("mean").asDouble() - gain.get("ci95").asDouble() > 0, gain.get("undertrained").asBoolean());
        assertEquals(curve.get(5).get("mean").asDouble(), curved.metrics().get("val_score_final").asDouble(), 1e-12);
        assertFalse(plain.samples().has("val_curve"));
        assertFalse(plain.toJsonLine().contains("val_every"), "a trial without a curve keeps its id");
    }

    @Test
    void reachingTheTargetStopsTrainingAndRecordsTheCostToIt() {
        TrialResult r = run(with(new TrainSpec(30, 2, 5, 20, 0.25)));
        int reached = r.metrics().get("iterations_to_target").asInt();
        assertTrue(reached >= 5 && reached < 30, "a 25 % target on 5-way synthetic tasks is met early, got " + reached);
        assertEquals(reached, r.samples().get("train_loss").size(), "training stopped at the target");
        assertTrue(r.metrics().get("time_to_target_s").asDouble() > 0);
        assertTrue(r.metrics().get("flops_to_target").asDouble() > 0);
        assertEquals(r.metrics().get("flops_total").asDouble(), r.metrics().get("flops_to_target").asDouble(), 1e-6);
        assertTrue(r.metrics().has("peak_rss_to_target_bytes"));
    }

    @Test
    void unreachedTargetSaysSo() {
        TrialResult r = run(with(new TrainSpec(10, 2, 5, 20, 0.999)));
        assertFalse(r.metrics().has("iterations_to_target"));
        assertTrue(r.metrics().get("target_absent").asText().contains("not reached in 10 iterations"), r.metrics().toString());
        assertEquals(10, r.samples().get("train_loss").size());
    }
}

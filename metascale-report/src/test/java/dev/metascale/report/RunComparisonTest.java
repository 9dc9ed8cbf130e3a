package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunComparisonTest {
    private static final int EPISODES = 100;

    /** Per-episode accuracies around {@code base} with episode difficulty shared across runs. */
    private static double[] episodes(double base, long noiseSeed) {
        Random difficulty = new Random(1);
        Random noise = new Random(noiseSeed);
        double[] out = new double[EPISODES];
        for (int i = 0; i < EPISODES; i++) {
            out[i] = Math.max(0, Math.min(1, base + 0.15 * difficulty.nextGaussian() + 0.02 * noise.nextGaussian()));
        }
        return out;
    }

    private static double[] times(double median, long seed) {
        Random r = new Random(seed);
        double[] out = new double[60];
        for (int i = 0; i < out.length; i++) {
            out[i] = median * (1 + 0.03 * r.nextGaussian());
        }
        return out;
    }

    private static TrialResult trial(String algorithm, double acc, double time, double mib, long noiseSeed) {
        double[] e = episodes(acc, noiseSeed);
        return Trials.ok(Trials.spec(algorithm, 0), Trials.metrics().accuracy(mean(e), 0.02).iterTime(time).peakMib(mib)
                .scalar("train_time_s", time * 20), e, times(time, noiseSeed));
    }

    private static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    @Test
    void flagsAPlantedAccuracyDropAndSlowdownButNotTheUnchangedMethod() {
        List<TrialResult> a = new ArrayList<>(List.of(trial("maml", 0.70, 0.40, 800, 11), trial("protonet", 0.65, 0.10, 400, 12)));
        // B: maml loses 3 points (within each run's episode CI, so only pairing detects it) and is 20 % slower; protonet unchanged
        List<TrialResult> b = new ArrayList<>(List.of(trial("maml", 0.67, 0.48, 805, 21), trial("protonet", 0.65, 0.10, 401, 22)));
        RunComparison cmp = RunComparison.of(RunAnalysis.of(a), RunAnalysis.of(b));
        assertEquals(2, cmp.deltas().size());
        RunComparison.Delta maml = cmp.deltas().get(0);
        RunComparison.Delta protonet = cmp.deltas().get(1);
        assertEquals("config_id", maml.matchedBy());
        assertEquals(MeanDifference.PAIRED, maml.accuracy().get().test(), "same episodes: paired");
        assertTrue(maml.regressions().stream().anyMatch(r -> r.startsWith("accuracy")), maml.regressions().toString());
        assertTrue(maml.regressions().stream().anyMatch(r -> r.startsWith("iteration time")), maml.regressions().toString());
        assertFalse(maml.regressions().stream().anyMatch(r -> r.startsWith("peak memory")), "+0.6 % memory is noise");
        assertEquals(List.of(), protonet.regressions());
        assertTrue(cmp.hasRegression());
        assertTrue(cmp.render().contains("REGRESSION"), cmp.render());
    }

    @Test
    void identicalRunsHaveNoRegressionAndUnmatchedConfigurationsAreListed() {
        List<TrialResult> a = List.of(trial("maml", 0.70, 0.40, 800, 11), trial("fomaml", 0.60, 0.20, 300, 13));
        List<TrialResult> b = List.of(trial("maml", 0.70, 0.40, 800, 11), Trials.failed(Trials.spec("fomaml", 0), "oom", "out of memory"));
        RunComparison cmp = RunComparison.of(RunAnalysis.of(a), RunAnalysis.of(b));
        assertFalse(cmp.hasRegression(), cmp.render());
        assertEquals(List.of("fomaml conv4 5w1s"), cmp.onlyInA());
    }
}

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
        // B: maml loses 3 points (within each run's episode CI, so only pairing detects it) and is 30 % slower (one trial a
        // side: beyond the 25 % floor of process-to-process noise); protonet unchanged
        List<TrialResult> b = new ArrayList<>(List.of(trial("maml", 0.67, 0.52, 805, 21), trial("protonet", 0.65, 0.10, 401, 22)));
        RunComparison cmp = RunComparison.of(RunAnalysis.of(a), RunAnalysis.of(b));
        assertEquals(2, cmp.deltas().size());
        RunComparison.Delta maml = cmp.deltas().get(0);
        RunComparison.Delta protonet = cmp.deltas().get(1);
        assertEquals("config_id", maml.matchedBy());
        assertEquals(MeanDifference.PAIRED, maml.accuracy().get().test(), "same episodes: paired");
        assertTrue(maml.regressions().stream().anyMatch(r -> r.startsWith("accuracy")), maml.regressions().toString());
        assertTrue(maml.regressions().stream().anyMatch(r -> r.startsWith("iteration time")), maml.regressions().toString());
        assertFalse(maml.regressions().stream().anyMatch(r -> r.startsWith("peak tensor memory")), "+0.6 % memory is noise");
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

    /**
     * Per-iteration times as a shared 2-core VM gives them: 3 % jitter per iteration, and a host phase that slows
     * consecutive iterations (the quick suite's MAML on AMD EPYC: blocks of 39 iterations at 0.098, 0.095, 0.095,
     * 0.161, 0.166 s in one run) — iterations are not independent samples.
     */
    private static double[] drifting(double median, long seed, double[] phase) {
        Random r = new Random(seed);
        double[] out = new double[195];
        for (int i = 0; i < out.length; i++) {
            out[i] = median * phase[i * phase.length / out.length] * (1 + 0.03 * r.nextGaussian());
        }
        return out;
    }

    private static TrialResult timed(String algorithm, long seed, double[] times, double rssMib, double tensorMib, double otherCpus) {
        double median = dev.metascale.core.stats.Statistics.quantile(times, 0.5);
        double[] e = episodes(0.7, 11);
        return Trials.ok(Trials.spec(algorithm, seed), Trials.metrics().accuracy(mean(e), 0.02).iterTime(median).peakMib(rssMib)
                .tensorMib(tensorMib).scalar("host_busy_cpus", 1.9).scalar("host_other_cpus", otherCpus)
                .scalar("cpu_steal_fraction", 0.0), e, times);
    }

    @Test
    void anAaRerunWithAHostPhaseAndTwiceTheRssFlagsNothing() {
        // measured A/A on the quick suite (FOMAML, quiet host): block medians 0.080 0.086 0.102 0.110 0.109 s in one run,
        // 0.077 0.077 0.072 0.076 0.081 in the next; minima 0.0704 and 0.0631 s (+12 %); RSS 862 and 1707 MiB; tensor peak identical
        TrialResult a = timed("fomaml", 0, drifting(0.076, 1, new double[]{1.01, 1.01, 0.95, 1.0, 1.07}), 862, 65.8, 0.02);
        TrialResult b = timed("fomaml", 0, drifting(0.086, 2, new double[]{0.93, 1.0, 1.19, 1.28, 1.27}), 1707, 65.8, 0.03);
        for (RunComparison cmp : List.of(RunComparison.of(RunAnalysis.of(List.of(a)), RunAnalysis.of(List.of(b))),
                RunComparison.of(RunAnalysis.of(List.of(b)), RunAnalysis.of(List.of(a))))) {
            assertFalse(cmp.hasRegression(), cmp.render());
            assertTrue(cmp.render().contains("not judged"), "RSS is said to be unjudged: " + cmp.render());
        }
    }

    /**
     * A 20 % slowdown is told from process-to-process noise when each side has three trials (seeds): their fastest
     * iterations differ by a process factor (here 0.95–1.08, as identical quiet reruns do) that the test over trials
     * measures. With one trial a side the same slowdown is within the machine's 25 % floor and is not called.
     */
    @Test
    void aPlantedTwentyPercentSlowdownIsFlaggedOverTrialsAndTheOneTrialFloorIsStated() {
        double[] phase = {1.0, 0.98, 1.03, 1.01, 0.99};
        double[] processA = {1.0, 1.08, 0.95};
        double[] processB = {1.03, 0.97, 1.1};
        List<TrialResult> a = new ArrayList<>();
        List<TrialResult> b = new ArrayList<>();
        for (int seed = 0; seed < 3; seed++) {
            a.add(timed("maml", seed, drifting(0.10 * processA[seed], 1 + seed, phase), 900, 67.06, 0.02));
            b.add(timed("maml", seed, drifting(0.12 * processB[seed], 11 + seed, phase), 900, 67.06, 0.02));
        }
        RunComparison.Delta d = RunComparison.of(RunAnalysis.of(a), RunAnalysis.of(b)).deltas().get(0);
        assertTrue(d.regressions().stream().anyMatch(r -> r.startsWith("iteration time +2") && r.contains("over 3+ trials")),
                d.regressions().toString());
        RunComparison aa = RunComparison.of(RunAnalysis.of(a), RunAnalysis.of(List.of(
                timed("maml", 0, drifting(0.10 * 1.04, 21, phase), 900, 67.06, 0.02),
                timed("maml", 1, drifting(0.10 * 0.99, 22, phase), 900, 67.06, 0.02),
                timed("maml", 2, drifting(0.10 * 1.07, 23, phase), 900, 67.06, 0.02))));
        assertFalse(aa.hasRegression(), "A/A over three trials: " + aa.render());
        // one trial a side: 20 % is inside the floor, 30 % is beyond it
        RunComparison.Delta one = RunComparison.of(RunAnalysis.of(a.subList(0, 1)),
                RunAnalysis.of(List.of(timed("maml", 0, drifting(0.12, 41, phase), 900, 67.06, 0.02)))).deltas().get(0);
        assertEquals(List.of(), one.regressions());
        TrialResult slower = timed("maml", 0, drifting(0.13, 31, phase), 900, 67.06, 0.02);
        RunComparison.Delta beyond = RunComparison.of(RunAnalysis.of(a.subList(0, 1)), RunAnalysis.of(List.of(slower))).deltas().get(0);
        assertTrue(beyond.regressions().stream().anyMatch(r -> r.contains("beyond the 25 % floor")), beyond.regressions().toString());
    }

    @Test
    void aSlowdownMeasuredOnABusyHostIsNotJudged() {
        // B ran while another benchmark held a core: 50 % slower, recorded, and not called a regression
        TrialResult a = timed("maml", 0, drifting(0.10, 1, new double[]{1, 1, 1, 1, 1}), 900, 67.06, 0.02);
        TrialResult b = timed("maml", 0, drifting(0.15, 2, new double[]{1, 1, 1, 1, 1}), 900, 67.06, 0.95);
        RunComparison.Delta d = RunComparison.of(RunAnalysis.of(List.of(a)), RunAnalysis.of(List.of(b))).deltas().get(0);
        assertEquals(List.of(), d.regressions());
        assertTrue(d.notJudged().get(0).contains("host was busy during B"), d.notJudged().toString());
    }

    @Test
    void memoryIsJudgedOnTheTensorPeakNotOnRss() {
        double[] phase = {1, 1, 1, 1, 1};
        TrialResult a = timed("maml", 0, drifting(0.10, 1, phase), 900, 67.0, 0.0);
        TrialResult tensorsUp = timed("maml", 0, drifting(0.10, 1, phase), 900, 74.0, 0.0);
        TrialResult rssUp = timed("maml", 0, drifting(0.10, 1, phase), 1800, 67.0, 0.0);
        assertTrue(RunComparison.of(RunAnalysis.of(List.of(a)), RunAnalysis.of(List.of(tensorsUp))).deltas().get(0).regressions()
                .stream().anyMatch(r -> r.startsWith("peak tensor memory +10")));
        assertEquals(List.of(), RunComparison.of(RunAnalysis.of(List.of(a)), RunAnalysis.of(List.of(rssUp))).deltas().get(0).regressions());
    }

    @Test
    void withTwoSeedsTheAccuracyTestIsOverSeedsSoSeedVarianceCounts() {
        // each seed's B is below its A on every episode, but by 4 and 2 points: over 100 episodes that looks certain,
        // over the 2 seeds (the unit a retraining would redraw) it is not
        double[] e = episodes(0.7, 11);
        List<TrialResult> a = new ArrayList<>();
        List<TrialResult> b = new ArrayList<>();
        double[][] shifts = {{0.0, -0.04}, {0.04, -0.02}};
        for (int seed = 0; seed < 2; seed++) {
            double[] ea = shift(e, shifts[seed][0]);
            double[] eb = shift(e, shifts[seed][0] + shifts[seed][1]);
            a.add(Trials.ok(Trials.spec("maml", seed), Trials.metrics().accuracy(mean(ea), 0.02).iterTime(0.1), ea, times(0.1, seed)));
            b.add(Trials.ok(Trials.spec("maml", seed), Trials.metrics().accuracy(mean(eb), 0.02).iterTime(0.1), eb, times(0.1, seed)));
        }
        MeanDifference perEpisode = MeanDifference.paired(AccuracyComparison.perEpisode(a).orElseThrow(), AccuracyComparison.perEpisode(b).orElseThrow());
        assertTrue(perEpisode.significant(), "the old test, over episodes: p " + perEpisode.pValue());
        MeanDifference d = AccuracyComparison.compare(a, b).orElseThrow();
        assertEquals(MeanDifference.SEEDS, d.unit());
        assertEquals(2, d.n());
        assertEquals(-0.03, d.delta(), 1e-9);
        assertFalse(d.significant(), "over seeds: p " + d.pValue());
        RunComparison cmp = RunComparison.of(RunAnalysis.of(a), RunAnalysis.of(b));
        assertFalse(cmp.hasRegression(), cmp.render());
        // one seed per side: the test is over episodes, and says that training variance is not in it
        MeanDifference one = AccuracyComparison.compare(a.subList(0, 1), b.subList(0, 1)).orElseThrow();
        assertTrue(one.describe().contains("training variance not measured"), one.describe());
    }

    private static double[] shift(double[] xs, double by) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i] + by;
        }
        return out;
    }
}

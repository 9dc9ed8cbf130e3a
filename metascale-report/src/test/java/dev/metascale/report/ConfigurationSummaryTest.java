package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.stats.Statistics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigurationSummaryTest {

    @Test
    void severalSeedsUseTheStudentTIntervalAcrossSeedMeans() {
        List<TrialResult> trials = List.of(
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.60, 0.05).iterTime(0.20)
                        .scalar("train_time_s", 10).scalar("throughput_tasks_per_s", 20).peakMib(300).scalar("param_count", 1000)),
                Trials.ok(Trials.spec("maml", 1), Trials.metrics().accuracy(0.64, 0.05).iterTime(0.30)
                        .scalar("train_time_s", 12).scalar("throughput_tasks_per_s", 18).peakMib(310).scalar("param_count", 1000)),
                Trials.ok(Trials.spec("maml", 2), Trials.metrics().accuracy(0.71, 0.05).iterTime(0.25)
                        .scalar("train_time_s", 14).scalar("throughput_tasks_per_s", 16).peakMib(320).scalar("param_count", 1000)));

        ConfigurationSummary c = ConfigurationSummary.of("maml conv4 5w1s", trials);

        double[] seedMeans = {0.60, 0.64, 0.71};
        AccuracyEstimate a = c.accuracy().orElseThrow();
        assertEquals(Statistics.mean(seedMeans), a.mean(), 1e-12);
        assertEquals(Statistics.ci95(seedMeans), a.ci95().getAsDouble(), 1e-12);
        assertEquals(AccuracyEstimate.CiBasis.SEEDS, a.basis());
        assertEquals(3, a.n());
        assertEquals("t-CI over 3 seeds", a.basisDescription());
        assertEquals(Statistics.mean(new double[]{0.20, 0.30, 0.25}), c.iterTimeS().getAsDouble(), 1e-12);
        assertEquals(12, c.trainTimeS().getAsDouble(), 1e-12);
        assertEquals(18, c.throughputTasksPerS().getAsDouble(), 1e-12);
        assertEquals(310, c.peakRssMib().getAsDouble(), 1e-9);
        assertEquals(List.of(0L, 1L, 2L), c.seeds());
        assertEquals(trials.get(0).configId(), c.configId());
    }

    @Test
    void oneSeedUsesTheTrialsOwnEpisodeInterval() {
        ConfigurationSummary c = ConfigurationSummary.of("x",
                List.of(Trials.ok(Trials.spec("protonet", 0), Trials.metrics().accuracy(0.55, 0.031))));
        AccuracyEstimate a = c.accuracy().orElseThrow();
        assertEquals(0.55, a.mean(), 1e-12);
        assertEquals(0.031, a.ci95().getAsDouble(), 1e-12);
        assertEquals(AccuracyEstimate.CiBasis.EPISODES, a.basis());
        assertEquals(50, a.n());
    }

    @Test
    void unmeasuredMetricsStayAbsentInsteadOfZero() {
        ConfigurationSummary c = ConfigurationSummary.of("x",
                List.of(Trials.ok(Trials.spec("anil", 0), Trials.metrics().scalar("train_time_s", 5))));
        assertFalse(c.accuracy().isPresent());
        assertFalse(c.peakRssBytes().isPresent());
        assertFalse(c.iterTimeS().isPresent());
        assertTrue(c.trainTimeS().isPresent());
        assertEquals("—", DisplayFormat.mib(c.peakRssBytes()));
        assertEquals("—", DisplayFormat.accuracy(c.accuracy()));
    }

    @Test
    void aMetricMeasuredBySomeSeedsIsAveragedOverThoseOnly() {
        ConfigurationSummary c = ConfigurationSummary.of("x", List.of(
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().peakMib(100)),
                Trials.ok(Trials.spec("maml", 1), Trials.metrics())));
        assertEquals(100, c.peakRssMib().getAsDouble(), 1e-9);
    }
}

package dev.metascale.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paired and Welch tests against known values; Meta-Dataset's tie ranking. */
class StatisticsTest {
    @Test
    void pairedTestSeesASmallConsistentGapThatWelchMisses() {
        // per-episode scores vary a lot, but b is always 0.02 below a: only pairing sees it
        double[] a = new double[40];
        double[] b = new double[40];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.3 + 0.6 * ((i * 37) % 40) / 40.0;
            b[i] = a[i] - 0.02 + ((i % 2 == 0) ? 0.001 : -0.001);
        }
        MeanDifference paired = MeanDifference.paired(a, b);
        MeanDifference welch = MeanDifference.welch(a, b);
        assertEquals(-0.02, paired.delta(), 1e-9);
        assertTrue(paired.significant(), "paired p " + paired.pValue());
        assertFalse(welch.significant(), "welch p " + welch.pValue());
    }

    @Test
    void welchMatchesATextbookValue() {
        // two samples with known Welch t = -2.2 (computed independently): p two-sided ≈ 0.0393 for these data
        double[] a = {19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0};
        double[] b = {28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3};
        MeanDifference d = MeanDifference.welch(a, b);
        org.apache.commons.math3.stat.inference.TTest reference = new org.apache.commons.math3.stat.inference.TTest();
        assertEquals(reference.tTest(a, b), d.pValue(), 1e-9);
        assertEquals(org.apache.commons.math3.stat.StatUtils.mean(b) - org.apache.commons.math3.stat.StatUtils.mean(a), d.delta(), 1e-12);
    }

    @Test
    void overlappingIntervalsShareTheBestRank() {
        List<TieRanking.Entry<String>> entries = List.of(
                new TieRanking.Entry<>("a", 0.80, OptionalDouble.of(0.02)),
                new TieRanking.Entry<>("b", 0.77, OptionalDouble.of(0.02)),   // overlaps a: rank 1
                new TieRanking.Entry<>("c", 0.70, OptionalDouble.of(0.01)),   // no overlap with a: next rank 3
                new TieRanking.Entry<>("d", 0.69, OptionalDouble.of(0.01)),   // overlaps c: 3
                new TieRanking.Entry<>("e", 0.50, OptionalDouble.of(0.01)));  // 5
        Map<String, Integer> ranks = TieRanking.rank(entries);
        assertEquals(Map.of("a", 1, "b", 1, "c", 3, "d", 3, "e", 5), ranks);
    }

    @Test
    void aMethodWithoutAnIntervalIsTiedWithTheBestNotRankedAsCertain() {
        // "u" was scored by one seed on one episode: its 0.95 says nothing of its spread
        List<TieRanking.Entry<String>> entries = List.of(
                new TieRanking.Entry<>("u", 0.95, OptionalDouble.empty()),
                new TieRanking.Entry<>("a", 0.80, OptionalDouble.of(0.01)),
                new TieRanking.Entry<>("b", 0.60, OptionalDouble.of(0.01)));
        Map<String, Integer> ranks = TieRanking.rank(entries);
        assertEquals(1, ranks.get("u"));
        assertEquals(1, ranks.get("a"), "the best of the known intervals is not pushed down by a score of unknown spread");
        assertEquals(2, ranks.get("b"));
    }

    @Test
    void theSpreadOfOneSampleIsAbsentNotZero() {
        assertTrue(Double.isNaN(dev.metascale.core.stats.Statistics.std(new double[]{0.7})));
        assertTrue(Double.isNaN(dev.metascale.core.stats.Statistics.ci95(new double[]{0.7})));
        com.fasterxml.jackson.databind.JsonNode one = dev.metascale.core.json.Json.MAPPER.valueToTree(
                dev.metascale.core.stats.Statistics.summary(new double[]{0.7}));
        assertEquals(0.7, one.get("mean").asDouble());
        assertEquals(1, one.get("n").asInt());
        assertFalse(one.has("std"), "std of one sample: " + one);
        assertFalse(one.has("ci95"), "ci95 of one sample: " + one);
        com.fasterxml.jackson.databind.JsonNode two = dev.metascale.core.json.Json.MAPPER.valueToTree(
                dev.metascale.core.stats.Statistics.summary(new double[]{0.6, 0.8}));
        assertTrue(two.get("ci95").asDouble() > 0);
        assertFalse(dev.metascale.core.json.Json.MAPPER.valueToTree(
                dev.metascale.core.stats.Statistics.distribution(new double[]{1.0})).has("std"));
    }
}

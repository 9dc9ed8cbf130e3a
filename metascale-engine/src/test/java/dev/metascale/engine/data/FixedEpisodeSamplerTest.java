package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FixedEpisodeSamplerTest {
    private final SyntheticDataset data = SyntheticDataset.create(3, 30, 5, 12, 20);

    @Test
    void episodeHasExactCountsDistinctClassesAndDisjointSupportAndQuery() {
        FixedEpisodeSampler sampler = new FixedEpisodeSampler(data, Split.TRAIN, 5, 3, 7);
        for (long i = 0; i < 50; i++) {
            EpisodeIndex ep = sampler.episode(11, i);
            assertEquals(Split.TRAIN, ep.split());
            assertEquals(5, ep.ways());
            assertEquals(15, ep.supportSize());
            assertEquals(35, ep.querySize());
            assertEquals(5, new HashSet<>(ep.classes()).size(), "classes must be distinct");
            for (int w = 0; w < 5; w++) {
                int c = ep.classes().get(w);
                assertTrue(c >= 0 && c < 30);
                Set<Integer> used = new HashSet<>();
                for (int s : ep.support().get(w)) {
                    assertTrue(s >= 0 && s < 20);
                    assertTrue(used.add(s));
                }
                for (int q : ep.query().get(w)) {
                    assertTrue(q >= 0 && q < 20);
                    assertTrue(used.add(q), "support and query overlap in class " + c);
                }
                assertEquals(10, used.size());
            }
        }
    }

    @Test
    void sameSeedAndIndexGiveSameEpisodeWhateverWasDrawnBefore() {
        FixedEpisodeSampler a = new FixedEpisodeSampler(data, Split.TEST, 5, 1, 15);
        FixedEpisodeSampler b = new FixedEpisodeSampler(data, Split.TEST, 5, 1, 15);
        EpisodeIndex direct = a.episode(7, 42);
        for (long i = 0; i < 42; i++) {
            b.episode(7, i);
            b.episode(99, i);
        }
        assertSame(direct, b.episode(7, 42));
        assertSame(direct, a.episode(7, 42));
    }

    @Test
    void differentSeedsOrIndicesGiveDifferentEpisodes() {
        FixedEpisodeSampler s = new FixedEpisodeSampler(data, Split.TRAIN, 5, 1, 5);
        int differentSeed = 0;
        int differentIndex = 0;
        for (long i = 0; i < 20; i++) {
            if (!s.episode(1, i).classes().equals(s.episode(2, i).classes())) {
                differentSeed++;
            }
            if (!s.episode(1, i).classes().equals(s.episode(1, i + 1).classes())) {
                differentIndex++;
            }
        }
        // 5 of 30 classes: a chance collision of the ordered class lists is ~1e-7.
        assertEquals(20, differentSeed);
        assertEquals(20, differentIndex);
    }

    @Test
    void labelsCoverAllClassesOverManyEpisodes() {
        FixedEpisodeSampler s = new FixedEpisodeSampler(data, Split.TRAIN, 5, 1, 1);
        Set<Integer> seen = new HashSet<>();
        for (long i = 0; i < 200; i++) {
            seen.addAll(s.episode(0, i).classes());
        }
        assertEquals(30, seen.size());
    }

    @Test
    void tooManyWaysIsRejectedWithCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new FixedEpisodeSampler(data, Split.TEST, 20, 1, 5));
        assertEquals("split TEST of synthetic has 12 classes; 20-way episodes need at least 20", e.getMessage());
    }

    @Test
    void tooFewExamplesIsRejectedNamingTheClass() {
        SyntheticDataset small = SyntheticDataset.create(3, 6, 0, 0, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new FixedEpisodeSampler(small, Split.TRAIN, 5, 2, 3));
        assertTrue(e.getMessage().contains("synthetic/train/0000"), e.getMessage());
        assertTrue(e.getMessage().contains("has 4 examples"), e.getMessage());
        assertTrue(e.getMessage().contains("need at least 5"), e.getMessage());
    }

    @Test
    void nonPositiveSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new FixedEpisodeSampler(data, Split.TRAIN, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FixedEpisodeSampler(data, Split.TRAIN, 5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FixedEpisodeSampler(data, Split.TRAIN, 5, 1, 0));
    }

    private static void assertSame(EpisodeIndex expected, EpisodeIndex actual) {
        assertEquals(expected.split(), actual.split());
        assertEquals(expected.classes(), actual.classes());
        assertArraysEqual(expected.support(), actual.support());
        assertArraysEqual(expected.query(), actual.query());
    }

    private static void assertArraysEqual(List<int[]> expected, List<int[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i));
        }
        assertNotEquals(0, expected.size());
    }
}

package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metascale.core.spec.SamplerSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetaDatasetSamplerTest {
    private static final int EPISODES = 1000;

    /** 80 classes: sizes from 6 to 1,200, so both the query rule and both caps bind in some episodes. */
    private static SizedDataset mixedSizes() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] sizes = new int[80];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = i % 4 == 0 ? 6 + rng.nextInt(20) : 100 + rng.nextInt(1100);
        }
        return new SizedDataset(Split.TEST, sizes);
    }

    @Test
    void everyEpisodeFollowsTheMetaDatasetRules() {
        SizedDataset data = mixedSizes();
        EpisodeSampler sampler = Samplers.create(new SamplerSpec("meta-dataset", 5, 1, 15), data, Split.TEST);
        Set<Integer> waysSeen = new HashSet<>();
        int budgetCapped = 0;
        int perClassCapped = 0;
        for (int i = 0; i < EPISODES; i++) {
            EpisodeIndex e = sampler.episode(3, i);
            int ways = e.ways();
            waysSeen.add(ways);
            assertTrue(ways >= 5 && ways <= 50, "ways " + ways);
            assertEquals(ways, new HashSet<>(e.classes()).size(), "distinct classes");
            int smallest = e.classes().stream().mapToInt(c -> data.sizes()[c]).min().orElseThrow();
            int q = Math.min(10, smallest / 2);
            int budgetBound = 0;
            int total = 0;
            for (int label = 0; label < ways; label++) {
                int size = data.sizes()[e.classes().get(label)];
                int[] s = e.support().get(label);
                int[] qu = e.query().get(label);
                assertEquals(q, qu.length, "query rule min(10, floor(smallest/2))");
                assertTrue(s.length >= 1, "every class has a shot");
                assertTrue(s.length + qu.length <= size, "no more examples than the class has");
                Set<Integer> used = new HashSet<>();
                for (int x : s) {
                    assertTrue(x >= 0 && x < size && used.add(x));
                }
                for (int x : qu) {
                    assertTrue(x >= 0 && x < size && used.add(x), "support and query disjoint");
                }
                budgetBound += Math.min(100, size - q);
                total += s.length;
            }
            assertTrue(total <= 500, "500 cap: " + total);
            assertTrue(total <= budgetBound, "100-per-class budget cap: " + total + " > " + budgetBound);
            if (budgetBound > 500 && total > 450) {
                budgetCapped++;
            }
            if (budgetBound < 500 && total > budgetBound * 0.8) {
                perClassCapped++;
            }
        }
        assertTrue(waysSeen.contains(5) && waysSeen.contains(50), "ways reach both ends: " + waysSeen);
        assertTrue(waysSeen.size() > 40, "ways spread uniformly: " + waysSeen.size());
        assertTrue(budgetCapped > 0 && perClassCapped > 0, "both caps bind sometimes: " + budgetCapped + ", " + perClassCapped);
    }

    @Test
    void waysUpToTheClassCountAndShotsProportionalToClassSize() {
        int[] sizes = {20, 20, 20, 20, 20, 20, 400};
        SizedDataset data = new SizedDataset(Split.TRAIN, sizes);
        MetaDatasetSampler sampler = new MetaDatasetSampler(data, Split.TRAIN);
        double bigShare = 0;
        int withBig = 0;
        for (int i = 0; i < EPISODES; i++) {
            EpisodeIndex e = sampler.episode(1, i);
            assertTrue(e.ways() >= 5 && e.ways() <= 7);
            int big = e.classes().indexOf(6);
            if (big >= 0) {
                withBig++;
                bigShare += e.support().get(big).length / (double) e.supportSize();
            }
        }
        // the 400-example class has 20x the weight of the others (times an imbalance of 1/4..4)
        assertTrue(bigShare / withBig > 0.5, "big class takes most shots: " + bigShare / withBig);
    }

    @Test
    void budgetFormulaMatchesThePaper() {
        int[] sizes = {30, 30, 300, 300, 300};
        assertEquals(5, MetaDatasetSampler.supportBudget(0.0, sizes, 10), "beta=0: one per class");
        // floor(0.5 * 20 + 1) * 2 + floor(0.5 * 100 + 1) * 3 = 22 + 153
        assertEquals(175, MetaDatasetSampler.supportBudget(0.5, sizes, 10));
        assertEquals(500, MetaDatasetSampler.supportBudget(0.999, new int[]{300, 300, 300, 300, 300, 300}, 10));
        assertEquals(10, MetaDatasetSampler.queryPerClass(new int[]{500, 21, 40}));
        assertEquals(3, MetaDatasetSampler.queryPerClass(new int[]{500, 7, 40}));
    }

    @Test
    void episodesDependOnSeedAndIndexOnly() {
        SizedDataset data = mixedSizes();
        MetaDatasetSampler a = new MetaDatasetSampler(data, Split.TEST);
        MetaDatasetSampler b = new MetaDatasetSampler(data, Split.TEST);
        EpisodeIndex[] reversed = new EpisodeIndex[50];
        for (int i = 49; i >= 0; i--) {
            reversed[i] = b.episode(9, i); // drawn in the other order, by another instance
        }
        for (int i = 0; i < 50; i++) {
            EpisodeIndex x = a.episode(9, i);
            EpisodeIndex y = reversed[i];
            assertEquals(x.classes(), y.classes());
            for (int l = 0; l < x.ways(); l++) {
                assertArrayEquals(x.support().get(l), y.support().get(l));
                assertArrayEquals(x.query().get(l), y.query().get(l));
            }
        }
        assertNotEquals(a.episode(9, 0).classes(), a.episode(10, 0).classes());
    }

    @Test
    void tooFewClassesOrExamplesAreNamed() {
        IllegalArgumentException fewClasses = assertThrows(IllegalArgumentException.class,
            () -> new MetaDatasetSampler(new SizedDataset(Split.TEST, new int[]{20, 20, 20}), Split.TEST));
        assertTrue(fewClasses.getMessage().contains("has 3 classes") && fewClasses.getMessage().contains("at least 5"),
            fewClasses.getMessage());
        IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
            () -> new MetaDatasetSampler(new SizedDataset(Split.TEST, new int[]{20, 20, 1, 20, 20}), Split.TEST));
        assertTrue(tiny.getMessage().contains("class c2") && tiny.getMessage().contains("has 1 example"), tiny.getMessage());
    }

    @Test
    void imbalancedShotsStayInRange() {
        SizedDataset data = new SizedDataset(Split.VAL, new int[]{30, 30, 30, 30, 30, 30, 30, 30});
        EpisodeSampler sampler = Samplers.create(new SamplerSpec("imbalanced", 5, 0, 7, 2, 6), data, Split.VAL);
        Set<Integer> shotsSeen = new HashSet<>();
        for (int i = 0; i < EPISODES; i++) {
            EpisodeIndex e = sampler.episode(5, i);
            assertEquals(5, e.ways());
            assertEquals(5, new HashSet<>(e.classes()).size());
            for (int l = 0; l < 5; l++) {
                int shots = e.support().get(l).length;
                assertTrue(shots >= 2 && shots <= 6, "shots " + shots);
                shotsSeen.add(shots);
                assertEquals(7, e.query().get(l).length);
                Set<Integer> used = new HashSet<>();
                for (int x : e.support().get(l)) {
                    used.add(x);
                }
                for (int x : e.query().get(l)) {
                    assertTrue(used.add(x), "disjoint");
                }
            }
        }
        assertEquals(Set.of(2, 3, 4, 5, 6), shotsSeen);
        assertEquals(sampler.episode(5, 17).classes(), Samplers.create(new SamplerSpec("imbalanced", 5, 0, 7, 2, 6),
            data, Split.VAL).episode(5, 17).classes());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("imbalanced", 5, 0, 25, 1, 6), data, Split.VAL));
        assertTrue(small.getMessage().contains("class c0") && small.getMessage().contains("has 30 examples")
            && small.getMessage().contains("at least 31"), small.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("imbalanced", 5, 0, 5, 4, 2), data, Split.VAL));
        List<String> kinds = Samplers.KINDS;
        assertTrue(kinds.contains("imbalanced"));
    }
}

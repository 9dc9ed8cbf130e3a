package dev.metascale.engine.data;

import dev.metascale.core.spec.SamplerSpec;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sampler.skip_small_classes}: a class too small for the episodes fails with its counts, or is left out. */
class SkipSmallClassesTest {
    /** Classes c0..c7; c2 has 6 examples and c5 has 1, the others 20. */
    private static final SizedDataset DATA = new SizedDataset(Split.TEST, new int[]{20, 20, 6, 20, 20, 1, 20, 20});

    @Test
    void withoutSkippingTheSmallClassIsNamedWithItsCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("fixed", 5, 5, 15), DATA, Split.TEST));
        assertTrue(e.getMessage().contains("class c2") && e.getMessage().contains("has 6 examples")
            && e.getMessage().contains("at least 20") && e.getMessage().contains("skip_small_classes"), e.getMessage());
        IllegalArgumentException imbalanced = assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("imbalanced", 5, 1, 10, 1, 5), DATA, Split.TEST));
        assertTrue(imbalanced.getMessage().contains("class c2") && imbalanced.getMessage().contains("at least 15"),
            imbalanced.getMessage());
        IllegalArgumentException metaDataset = assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("meta-dataset", 5, 1, 10), DATA, Split.TEST));
        assertTrue(metaDataset.getMessage().contains("class c5"), metaDataset.getMessage());
    }

    @Test
    void skippingDrawsOnlyFromClassesThatAreLargeEnough() {
        SamplerSpec spec = new SamplerSpec("fixed", 5, 5, 15, 1, 5, true);
        FixedEpisodeSampler sampler = (FixedEpisodeSampler) Samplers.create(spec, DATA, Split.TEST);
        assertEquals(List.of("c2 (6 examples)", "c5 (1 examples)"), sampler.skipped());
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            EpisodeIndex e = sampler.episode(7, i);
            drawn.addAll(e.classes());
            for (int l = 0; l < e.ways(); l++) {
                assertEquals(5, e.support().get(l).length);
                assertEquals(15, e.query().get(l).length);
                for (int x : e.query().get(l)) {
                    assertTrue(x < DATA.examplesPerClass(Split.TEST, e.classes().get(l)), "example index within its class");
                }
            }
        }
        assertEquals(Set.of(0, 1, 3, 4, 6, 7), drawn, "every large class is drawn, the small ones never");
        ImbalancedEpisodeSampler imbalanced = (ImbalancedEpisodeSampler) Samplers.create(
            new SamplerSpec("imbalanced", 5, 1, 10, 1, 5, true), DATA, Split.TEST);
        assertEquals(List.of("c2 (6 examples)", "c5 (1 examples)"), imbalanced.skipped());
        for (int i = 0; i < 100; i++) {
            assertFalse(imbalanced.episode(1, i).classes().contains(2));
        }
        MetaDatasetSampler md = (MetaDatasetSampler) Samplers.create(new SamplerSpec("meta-dataset", 5, 1, 10, 1, 5, true),
            DATA, Split.TEST);
        assertEquals(List.of("c5 (1 examples)"), md.skipped());
    }

    @Test
    void skippingChangesNothingWhenNoClassIsSmall() {
        SizedDataset big = new SizedDataset(Split.TEST, new int[]{20, 21, 22, 23, 24, 25});
        FixedEpisodeSampler plain = new FixedEpisodeSampler(big, Split.TEST, 5, 1, 15);
        FixedEpisodeSampler skipping = new FixedEpisodeSampler(big, Split.TEST, 5, 1, 15, true);
        for (int i = 0; i < 20; i++) {
            EpisodeIndex a = plain.episode(3, i);
            EpisodeIndex b = skipping.episode(3, i);
            assertEquals(a.classes(), b.classes());
            for (int l = 0; l < a.ways(); l++) {
                assertEquals(java.util.Arrays.toString(a.support().get(l)), java.util.Arrays.toString(b.support().get(l)));
            }
        }
    }

    @Test
    void tooFewClassesLeftAfterSkippingSaysWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new FixedEpisodeSampler(DATA, Split.TEST, 7, 5, 15, true));
        assertTrue(e.getMessage().contains("has 6 classes after skipping 2") && e.getMessage().contains("c2 (6 examples)"),
            e.getMessage());
    }
}

package dev.metascale.engine.learn;

import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.engine.data.Samplers;
import dev.metascale.engine.data.Split;
import dev.metascale.engine.data.SyntheticDataset;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Episodes built on the prefetch thread are the loader's own, in step order, alive in the taking thread's scope after
 * the prefetch thread's scope closed, freed with that scope; a step loaded and never taken is freed by close.
 */
class EpisodePrefetcherTest {
    @BeforeAll
    static void threads() {
        TorchRuntime.configure(1);
    }

    private static List<EpisodeIndex> episodes(FewShotDataset data, int n) {
        var sampler = Samplers.create(new SamplerSpec("fixed", 5, 1, 3), data, Split.TRAIN);
        return java.util.stream.LongStream.range(0, n).mapToObj(i -> sampler.episode(1, i)).toList();
    }

    @Test
    void stepsComeInOrderEqualToTheLoadersAndLiveInTheTakersScope() {
        FewShotDataset data = SyntheticDataset.create(3, 10, 5, 5, 8);
        List<EpisodeIndex> episodes = episodes(data, 12);
        EpisodeLoader loader = new EpisodeLoader(data);
        try (EpisodePrefetcher prefetch = new EpisodePrefetcher(loader, episodes, 4, 3)) {
            for (int step = 0; step < 3; step++) {
                List<Episode> tasks;
                Episode first;
                try (PointerScope scope = new PointerScope()) {
                    tasks = prefetch.take(step);
                    assertEquals(4, tasks.size());
                    for (int t = 0; t < 4; t++) {
                        Episode direct = loader.load(episodes.get(step * 4 + t));
                        // the prefetch thread's scope closed long ago: these reads would fail on a freed tensor
                        assertArrayEquals(ArrayTensors.toDoubles(direct.supportX()), ArrayTensors.toDoubles(tasks.get(t).supportX()));
                        assertArrayEquals(ArrayTensors.toLongs(direct.queryY()), ArrayTensors.toLongs(tasks.get(t).queryY()));
                    }
                    first = tasks.get(0);
                    assertFalse(first.supportX().isNull());
                }
                assertTrue(first.supportX().isNull(), "freed with the taking thread's scope at the end of the iteration");
            }
            assertEquals(3, prefetch.taken());
            assertTrue(prefetch.loadSeconds() > 0, "the loading time is measured");
            assertTrue(prefetch.waitSeconds() >= 0);
            assertThrows(IllegalStateException.class, () -> prefetch.take(3), "no fourth step");
        }
    }

    @Test
    void withoutASpareCoreTheStepsAreBuiltInlineAndAllTheirTimeIsTheWait() {
        FewShotDataset data = SyntheticDataset.create(3, 10, 5, 5, 8);
        List<EpisodeIndex> episodes = episodes(data, 8);
        EpisodeLoader loader = new EpisodeLoader(data);
        try (EpisodePrefetcher inline = new EpisodePrefetcher(loader, episodes, 4, 2, false)) {
            for (int step = 0; step < 2; step++) {
                try (PointerScope scope = new PointerScope()) {
                    List<Episode> tasks = inline.take(step);
                    assertArrayEquals(ArrayTensors.toDoubles(loader.load(episodes.get(step * 4)).supportX()),
                            ArrayTensors.toDoubles(tasks.get(0).supportX()));
                }
            }
            assertEquals(inline.loadSeconds(), inline.waitSeconds(), 0.0);
            assertTrue(inline.describe().startsWith("inline"));
        }
        assertEquals(EpisodePrefetcher.spareCore(1), Runtime.getRuntime().availableProcessors() > 1);
        assertFalse(EpisodePrefetcher.spareCore(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void stepsAreTakenInOrderAndAnUntakenStepIsFreedOnClose() {
        FewShotDataset data = SyntheticDataset.create(3, 10, 5, 5, 8);
        List<EpisodeIndex> episodes = episodes(data, 8);
        EpisodePrefetcher prefetch = new EpisodePrefetcher(new EpisodeLoader(data), episodes, 4, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> prefetch.take(1));
        assertTrue(e.getMessage().contains("asked for 1, the next is 0"), e.getMessage());
        prefetch.close(); // step 0 was loaded and never taken: released here (no leak, no error)
        assertThrows(IllegalArgumentException.class, () -> new EpisodePrefetcher(new EpisodeLoader(data), episodes, 4, 3),
                "more steps than episodes is refused");
    }
}

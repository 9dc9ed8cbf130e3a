package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    @Test
    void sameArgumentsGiveSamePixelsAndHashInAnyOrder() {
        SyntheticDataset a = SyntheticDataset.create(5, 10, 3, 4, 6);
        SyntheticDataset b = SyntheticDataset.create(5, 10, 3, 4, 6);
        b.examples(Split.TEST, 3);
        b.examples(Split.TRAIN, 9);
        assertEquals(a.hash(), b.hash());
        for (Split s : Split.values()) {
            for (int c = 0; c < a.classNames(s).size(); c++) {
                assertArrayEquals(a.examples(s, c), b.examples(s, c));
            }
        }
    }

    @Test
    void otherSeedGivesOtherPixelsAndHash() {
        SyntheticDataset a = SyntheticDataset.create(5, 4, 1, 1, 3);
        SyntheticDataset b = SyntheticDataset.create(6, 4, 1, 1, 3);
        assertNotEquals(a.hash(), b.hash());
        assertFalse(java.util.Arrays.equals(a.examples(Split.TRAIN, 0)[0], b.examples(Split.TRAIN, 0)[0]));
    }

    @Test
    void shapeCountsAndPixelRange() {
        SyntheticDataset d = SyntheticDataset.create(1, 7, 2, 3, 5);
        assertEquals("synthetic", d.name());
        assertEquals(7, d.classNames(Split.TRAIN).size());
        assertEquals(2, d.classNames(Split.VAL).size());
        assertEquals(3, d.groupNames(Split.TEST).size());
        float[][] ex = d.examples(Split.VAL, 1);
        assertEquals(5, ex.length);
        for (float[] img : ex) {
            assertEquals(28 * 28, img.length);
            double sum = 0;
            for (float v : img) {
                assertTrue(v >= 0f && v <= 1f);
                sum += v;
            }
            assertTrue(sum > 20, "image is nearly blank: " + sum);
        }
        assertFalse(java.util.Arrays.equals(ex[0], ex[1]), "examples of a class must vary");
        assertThrows(IndexOutOfBoundsException.class, () -> d.examples(Split.VAL, 2));
    }

    /** A nearest-centroid learner on 5-way 1-shot episodes must be far above chance (20 %). */
    @Test
    void nearestCentroidBeatsChanceClearly() {
        SyntheticDataset d = SyntheticDataset.create(0, 64, 16, 32, 20);
        FixedEpisodeSampler sampler = new FixedEpisodeSampler(d, Split.TEST, 5, 1, 5);
        int correct = 0;
        int total = 0;
        for (long i = 0; i < 40; i++) {
            EpisodeIndex ep = sampler.episode(0, i);
            float[][] protos = new float[5][];
            for (int w = 0; w < 5; w++) {
                protos[w] = d.examples(Split.TEST, ep.classes().get(w))[ep.support().get(w)[0]];
            }
            for (int w = 0; w < 5; w++) {
                float[][] all = d.examples(Split.TEST, ep.classes().get(w));
                for (int q : ep.query().get(w)) {
                    int best = 0;
                    double bestDist = Double.MAX_VALUE;
                    for (int k = 0; k < 5; k++) {
                        double dist = 0;
                        for (int p = 0; p < all[q].length; p++) {
                            double diff = all[q][p] - protos[k][p];
                            dist += diff * diff;
                        }
                        if (dist < bestDist) {
                            bestDist = dist;
                            best = k;
                        }
                    }
                    correct += best == w ? 1 : 0;
                    total++;
                }
            }
        }
        double accuracy = (double) correct / total;
        assertTrue(accuracy > 0.6, "nearest-centroid accuracy " + accuracy);
    }

    @Test
    void invalidSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.create(0, -1, 1, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.create(0, 1, 1, 1, 0));
    }
}

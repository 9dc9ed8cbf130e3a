package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetsTest {

    @Test
    void opensSyntheticWithStandardSizes() {
        FewShotDataset d = Datasets.open("synthetic", 4);
        assertEquals("synthetic", d.name());
        assertEquals(64, d.classNames(Split.TRAIN).size());
        assertEquals(16, d.classNames(Split.VAL).size());
        assertEquals(32, d.classNames(Split.TEST).size());
        assertEquals(20, d.examplesPerClass(Split.TEST, 0));
        assertEquals(SyntheticDataset.create(4, 64, 16, 32, 20).hash(), d.hash());
    }

    @Test
    void unknownNameListsTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.open("omniglot", 0));
        assertTrue(e.getMessage().contains("'omniglot'"), e.getMessage());
        assertTrue(e.getMessage().contains("glyphs, synthetic"), e.getMessage());
    }
}

package dev.metascale.engine.learn;

import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.core.component.Modality;
import dev.metascale.engine.data.Split;
import dev.metascale.engine.torch.ArrayTensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tensor layout of each {@link Modality}: values and shapes copied exactly from the chosen examples. */
class EpisodeLoaderTest {

    /** Two classes of three examples of width 4; example e of class c holds ids 100c + 10e + j. */
    private static FewShotDataset dataset(Modality modality) {
        return new FewShotDataset() {
            public String name() { return "tiny"; }
            public String version() { return "1"; }
            public String hash() { return "0"; }
            public int height() { return 1; }
            public int width() { return 4; }
            public Modality modality() { return modality; }
            public int vocabularySize() { return 300; }
            public List<String> classNames(Split split) { return List.of("a", "b"); }
            public List<String> groupNames(Split split) { return List.of("a", "b"); }
            public int examplesPerClass(Split split, int classIndex) { return 3; }
            public float[][] examples(Split split, int c) {
                float[][] out = new float[3][4];
                for (int e = 0; e < 3; e++) {
                    for (int j = 0; j < 4; j++) {
                        out[e][j] = 100 * c + 10 * e + j;
                    }
                }
                return out;
            }
        };
    }

    private static final EpisodeIndex EPISODE = new EpisodeIndex(Split.TEST, List.of(1, 0),
            List.of(new int[]{2}, new int[]{0}), List.of(new int[]{0, 1}, new int[]{2}));

    @Test
    void tokensAreInt64RowsWithOneLabelEach() {
        try (PointerScope scope = new PointerScope()) {
            Episode e = new EpisodeLoader(dataset(Modality.TOKENS)).load(EPISODE);
            assertEquals(torch.ScalarType.Long.value, e.supportX().scalar_type().value);
            assertArrayEquals(new long[]{2, 4}, e.supportX().sizes().vec().get());
            assertArrayEquals(new long[]{120, 121, 122, 123, 0, 1, 2, 3}, ArrayTensors.toLongs(e.supportX()));
            assertArrayEquals(new long[]{0, 1}, ArrayTensors.toLongs(e.supportY()));
            assertArrayEquals(new long[]{0, 0, 1}, ArrayTensors.toLongs(e.queryY()));
            assertArrayEquals(new long[]{1, 0}, e.classIds());
        }
    }

    @Test
    void characterWindowsSplitIntoInputsAndNextCharacterTargets() {
        try (PointerScope scope = new PointerScope()) {
            Episode e = new EpisodeLoader(dataset(Modality.CHARACTER_WINDOWS)).load(EPISODE);
            assertArrayEquals(new long[]{2, 3}, e.supportX().sizes().vec().get());
            assertArrayEquals(new long[]{120, 121, 122, 0, 1, 2}, ArrayTensors.toLongs(e.supportX()));
            assertArrayEquals(new long[]{121, 122, 123, 1, 2, 3}, ArrayTensors.toLongs(e.supportY()));
            assertArrayEquals(new long[]{100, 101, 102, 110, 111, 112, 20, 21, 22}, ArrayTensors.toLongs(e.queryX()));
            assertEquals(9, e.queryY().size(0));
        }
    }

    @Test
    void imagesKeepTheirChannelDimension() {
        try (PointerScope scope = new PointerScope()) {
            Episode e = new EpisodeLoader(dataset(Modality.IMAGE)).load(EPISODE);
            assertEquals(torch.ScalarType.Float.value, e.supportX().scalar_type().value);
            assertArrayEquals(new long[]{2, 1, 1, 4}, e.supportX().sizes().vec().get());
            assertEquals(123.0, ArrayTensors.toDoubles(e.supportX())[3], 0);
        }
    }
}

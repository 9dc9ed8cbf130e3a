package dev.metascale.engine.data;

import java.util.List;
import java.util.stream.IntStream;

/** A test data set whose classes have given sizes (all in one split); pixels are blank. */
record SizedDataset(Split split, int[] sizes) implements FewShotDataset {
    @Override
    public String name() {
        return "sized";
    }

    @Override
    public String version() {
        return "sized-1";
    }

    @Override
    public String hash() {
        return "0";
    }

    @Override
    public int height() {
        return 2;
    }

    @Override
    public int width() {
        return 2;
    }

    @Override
    public List<String> classNames(Split s) {
        return s == split ? IntStream.range(0, sizes.length).mapToObj(i -> "c" + i).toList() : List.of();
    }

    @Override
    public List<String> groupNames(Split s) {
        return classNames(s);
    }

    @Override
    public int examplesPerClass(Split s, int classIndex) {
        return sizes[classIndex];
    }

    @Override
    public float[][] examples(Split s, int classIndex) {
        return new float[sizes[classIndex]][4];
    }
}

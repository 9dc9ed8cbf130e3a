package dev.metascale.engine.data;

/** PLACEHOLDER (replaced by the data branch). */
public final class Datasets {
    private Datasets() {
    }

    public static FewShotDataset open(String name, long splitSeed) {
        throw new UnsupportedOperationException("placeholder");
    }
}

package dev.metascale.engine.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A small generated data set for tests and smoke runs, needing no files: each class is a random
 * smooth 28 x 28 prototype (two soft strokes and two Gaussian blobs), each example is the
 * prototype shifted by up to 1.5 px, dimmed slightly and with Gaussian pixel noise. Classes are
 * easy to tell apart (a nearest-centroid learner is far above chance) yet not identical per
 * example. Pixels depend only on (seed, split, class index, example index). Thread-safe.
 */
public final class SyntheticDataset implements FewShotDataset {
    public static final String NAME = "synthetic";
    public static final String VERSION = "synthetic-1";
    private static final int SIZE = 28;
    private static final double MAX_SHIFT = 1.5;
    private static final double NOISE_STD = 0.08;

    private final long seed;
    private final Map<Split, Integer> classes = new EnumMap<>(Split.class);
    private final int examplesPerClass;
    private final String hash;

    private SyntheticDataset(long seed, int train, int val, int test, int examplesPerClass) {
        this.seed = seed;
        classes.put(Split.TRAIN, train);
        classes.put(Split.VAL, val);
        classes.put(Split.TEST, test);
        this.examplesPerClass = examplesPerClass;
        this.hash = sha256(VERSION + "|seed=" + seed + "|train=" + train + "|val=" + val + "|test=" + test
            + "|examples=" + examplesPerClass + "|shift=" + MAX_SHIFT + "|noise=" + NOISE_STD);
    }

    /**
     * @param seed determines every prototype and example
     * @param trainClasses classes of the meta-train split (likewise val and test; 0 allowed)
     * @param examplesPerClass examples of every class
     */
    public static SyntheticDataset create(long seed, int trainClasses, int valClasses, int testClasses, int examplesPerClass) {
        if (trainClasses < 0 || valClasses < 0 || testClasses < 0) {
            throw new IllegalArgumentException("class counts must be >= 0, got train=" + trainClasses
                + " val=" + valClasses + " test=" + testClasses);
        }
        if (examplesPerClass < 1) {
            throw new IllegalArgumentException("examplesPerClass must be >= 1, got " + examplesPerClass);
        }
        return new SyntheticDataset(seed, trainClasses, valClasses, testClasses, examplesPerClass);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public int height() {
        return SIZE;
    }

    @Override
    public int width() {
        return SIZE;
    }

    @Override
    public List<String> classNames(Split split) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes.get(split); c++) {
            names.add(String.format(Locale.ROOT, "%s/%s/%04d", NAME, split.name().toLowerCase(Locale.ROOT), c));
        }
        return List.copyOf(names);
    }

    /** Every class is its own group. */
    @Override
    public List<String> groupNames(Split split) {
        return classNames(split);
    }

    @Override
    public int examplesPerClass(Split split, int classIndex) {
        Objects.checkIndex(classIndex, classes.get(split));
        return examplesPerClass;
    }

    @Override
    public float[][] examples(Split split, int classIndex) {
        Objects.checkIndex(classIndex, classes.get(split));
        float[] prototype = prototype(split, classIndex);
        float[][] out = new float[examplesPerClass][];
        for (int e = 0; e < examplesPerClass; e++) {
            SplittableRandom rng = new SplittableRandom(SeedMix.of(seed, split.ordinal(), classIndex, e, 1));
            double dx = (rng.nextDouble() * 2 - 1) * MAX_SHIFT;
            double dy = (rng.nextDouble() * 2 - 1) * MAX_SHIFT;
            double gain = 0.8 + 0.2 * rng.nextDouble();
            float[] img = new float[SIZE * SIZE];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double v = gain * bilinear(prototype, x - dx, y - dy) + NOISE_STD * gaussian(rng);
                    img[y * SIZE + x] = (float) Math.min(1, Math.max(0, v));
                }
            }
            out[e] = img;
        }
        return out;
    }

    /** Two soft quadratic strokes and two Gaussian blobs, scaled to a maximum of 1. */
    private float[] prototype(Split split, int classIndex) {
        SplittableRandom rng = new SplittableRandom(SeedMix.of(seed, split.ordinal(), classIndex, 0));
        double[] img = new double[SIZE * SIZE];
        for (int s = 0; s < 2; s++) {
            double[] p = new double[6];
            for (int i = 0; i < 6; i++) {
                p[i] = 5 + rng.nextDouble() * (SIZE - 10);
            }
            for (int k = 0; k <= 40; k++) {
                double t = k / 40.0;
                double px = (1 - t) * (1 - t) * p[0] + 2 * t * (1 - t) * p[2] + t * t * p[4];
                double py = (1 - t) * (1 - t) * p[1] + 2 * t * (1 - t) * p[3] + t * t * p[5];
                splat(img, px, py, 1.0, 1.0);
            }
        }
        for (int b = 0; b < 2; b++) {
            double cx = 5 + rng.nextDouble() * (SIZE - 10);
            double cy = 5 + rng.nextDouble() * (SIZE - 10);
            splat(img, cx, cy, 1.5 + rng.nextDouble() * 1.5, 6.0);
        }
        double max = 0;
        for (double v : img) {
            max = Math.max(max, v);
        }
        float[] out = new float[img.length];
        for (int i = 0; i < img.length; i++) {
            out[i] = (float) (img[i] / max);
        }
        return out;
    }

    /** Adds a Gaussian spot, saturating so overlapping spots of a stroke do not pile up. */
    private static void splat(double[] img, double cx, double cy, double sigma, double weight) {
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                double v = Math.exp(-d2 / (2 * sigma * sigma)) * Math.min(1, weight / 6);
                img[y * SIZE + x] = Math.max(img[y * SIZE + x], v);
            }
        }
    }

    private static double bilinear(float[] img, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fy) * ((1 - fx) * at(img, x0, y0) + fx * at(img, x0 + 1, y0))
            + fy * ((1 - fx) * at(img, x0, y0 + 1) + fx * at(img, x0 + 1, y0 + 1));
    }

    private static double at(float[] img, int x, int y) {
        return x < 0 || y < 0 || x >= SIZE || y >= SIZE ? 0 : img[y * SIZE + x];
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}

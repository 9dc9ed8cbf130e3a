package dev.metascale.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fixed N-way K-shot episodes with Q queries per class: {@code ways} distinct classes of the
 * split (label = pick order), and for each class {@code shots} support and {@code query} query
 * examples, disjoint. Episode (seed, index) is drawn from a random generator seeded from a mix of
 * (seed, index) only, so it does not depend on which other episodes were drawn. Thread-safe.
 */
public final class FixedEpisodeSampler implements EpisodeSampler {
    private final Split split;
    private final int ways;
    private final int shots;
    private final int query;
    private final int[] examplesPerClass;
    private final EligibleClasses eligible;

    /**
     * @throws IllegalArgumentException when the split has fewer than {@code ways} classes or a class
     *     has fewer than {@code shots + query} examples (the message names the class and the counts)
     */
    public FixedEpisodeSampler(FewShotDataset dataset, Split split, int ways, int shots, int query) {
        this(dataset, split, ways, shots, query, false);
    }

    /**
     * @param skipSmallClasses leave out classes with fewer than {@code shots + query} examples
     *     instead of failing ({@code sampler.skip_small_classes}); see {@link #skipped()}
     * @throws IllegalArgumentException when fewer than {@code ways} classes can be drawn, or a class is
     *     too small and not skipped (the message names the class and the counts)
     */
    public FixedEpisodeSampler(FewShotDataset dataset, Split split, int ways, int shots, int query, boolean skipSmallClasses) {
        if (ways < 1 || shots < 1 || query < 1) {
            throw new IllegalArgumentException("ways, shots and query must each be >= 1, got ways=" + ways
                + " shots=" + shots + " query=" + query);
        }
        this.split = split;
        this.ways = ways;
        this.shots = shots;
        this.query = query;
        this.eligible = EligibleClasses.of(dataset, split, shots + query, ways, skipSmallClasses,
            shots + "-shot episodes with " + query + " queries per class", "lower sampler.shots or sampler.query");
        this.examplesPerClass = eligible.examples();
    }

    /** The classes left out because they have too few examples ("name (n examples)"); empty unless skipping. */
    public java.util.List<String> skipped() {
        return eligible.skipped();
    }

    @Override
    public EpisodeIndex episode(long seed, long index) {
        SplittableRandom rng = new SplittableRandom(SeedMix.of(seed, index));
        int[] picked = pick(rng, examplesPerClass.length, ways);
        List<Integer> classes = new ArrayList<>(ways);
        List<int[]> support = new ArrayList<>(ways);
        List<int[]> queries = new ArrayList<>(ways);
        for (int c : picked) {
            int[] examples = pick(rng, examplesPerClass[c], shots + query);
            classes.add(eligible.indices()[c]);
            support.add(Arrays.copyOfRange(examples, 0, shots));
            queries.add(Arrays.copyOfRange(examples, shots, shots + query));
        }
        return new EpisodeIndex(split, List.copyOf(classes), List.copyOf(support), List.copyOf(queries));
    }

    /** The first {@code k} of a partial Fisher-Yates shuffle of {@code 0..n-1}. */
    static int[] pick(SplittableRandom rng, int n, int k) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return Arrays.copyOf(a, k);
    }

    public Split split() {
        return split;
    }

    public int ways() {
        return ways;
    }

    public int shots() {
        return shots;
    }

    public int query() {
        return query;
    }
}

package dev.metascale.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Class-imbalanced episodes in the style of FLEX (Bragg et al. 2021, "FLEX: Unifying Evaluation for
 * Few-Shot NLP", sec. 4: per-class support sizes drawn independently): {@code ways} distinct classes
 * of the split, class {@code c} with {@code k_c ~ U{minShots, ..., maxShots}} support examples and
 * {@code query} query examples, disjoint. Episode (seed, index) depends on (seed, index) only.
 * Thread-safe.
 */
public final class ImbalancedEpisodeSampler implements EpisodeSampler {
    private final Split split;
    private final int ways;
    private final int minShots;
    private final int maxShots;
    private final int query;
    private final int[] examplesPerClass;
    private final EligibleClasses eligible;

    /**
     * @throws IllegalArgumentException for counts below 1, {@code minShots > maxShots}, a split with
     *     fewer than {@code ways} classes, or a class with fewer than {@code maxShots + query} examples
     *     (the message names the class and the counts)
     */
    public ImbalancedEpisodeSampler(FewShotDataset dataset, Split split, int ways, int minShots, int maxShots, int query) {
        this(dataset, split, ways, minShots, maxShots, query, false);
    }

    /** @param skipSmallClasses leave out classes with fewer than {@code maxShots + query} examples instead of failing */
    public ImbalancedEpisodeSampler(FewShotDataset dataset, Split split, int ways, int minShots, int maxShots, int query,
                                    boolean skipSmallClasses) {
        if (ways < 1 || minShots < 1 || query < 1) {
            throw new IllegalArgumentException("imbalanced sampler: ways, min_shots and query must each be >= 1, got ways="
                + ways + " min_shots=" + minShots + " query=" + query);
        }
        if (minShots > maxShots) {
            throw new IllegalArgumentException("imbalanced sampler: min_shots=" + minShots + " exceeds max_shots="
                + maxShots + "; set min_shots <= max_shots");
        }
        this.split = split;
        this.ways = ways;
        this.minShots = minShots;
        this.maxShots = maxShots;
        this.query = query;
        this.eligible = EligibleClasses.of(dataset, split, maxShots + query, ways, skipSmallClasses,
            "up to " + maxShots + " shots with " + query + " queries per class", "lower sampler.max_shots or sampler.query");
        this.examplesPerClass = eligible.examples();
    }

    /** The classes left out because they have too few examples; empty unless skipping. */
    public List<String> skipped() {
        return eligible.skipped();
    }

    @Override
    public EpisodeIndex episode(long seed, long index) {
        SplittableRandom rng = new SplittableRandom(SeedMix.of(seed, index, 0x494DL));
        int[] picked = FixedEpisodeSampler.pick(rng, examplesPerClass.length, ways);
        List<Integer> classes = new ArrayList<>(ways);
        List<int[]> support = new ArrayList<>(ways);
        List<int[]> queries = new ArrayList<>(ways);
        for (int c : picked) {
            int shots = minShots + rng.nextInt(maxShots - minShots + 1);
            int[] examples = FixedEpisodeSampler.pick(rng, examplesPerClass[c], shots + query);
            classes.add(eligible.indices()[c]);
            support.add(Arrays.copyOfRange(examples, 0, shots));
            queries.add(Arrays.copyOfRange(examples, shots, shots + query));
        }
        return new EpisodeIndex(split, List.copyOf(classes), List.copyOf(support), List.copyOf(queries));
    }

    public Split split() {
        return split;
    }
}

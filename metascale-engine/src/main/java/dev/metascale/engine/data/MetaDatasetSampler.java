package dev.metascale.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The variable-way variable-shot episodes of Meta-Dataset (Triantafillou et al. 2019, "Meta-Dataset:
 * A Dataset of Datasets for Learning to Learn from Few Examples", ICLR 2020, sec. 3.2 "Sampling of
 * episodes"; the reference code is {@code meta_dataset/data/sampling.py}). For a split with
 * {@code n} classes, where {@code |Im(c)|} is the number of examples of class {@code c}:
 *
 * <ol>
 *   <li><b>Ways:</b> {@code k ~ U{5, ..., min(50, n)}}; {@code k} distinct classes are drawn uniformly.
 *       (Meta-Dataset's class-hierarchy-aware sampling for ImageNet and Omniglot is not applied.)</li>
 *   <li><b>Query:</b> the same number per class, {@code q = min(10, min_c floor(|Im(c)| / 2))}.</li>
 *   <li><b>Support budget:</b> {@code beta ~ U(0, 1)},
 *       {@code |S| = min(500, sum_c ceil(beta * min(100, |Im(c)| - q)))}; as in the reference code the
 *       ceiling is computed as {@code floor(beta * x + 1)}, so {@code |S| >= k}. The 100 caps each class's
 *       contribution to the budget, 500 caps the total.</li>
 *   <li><b>Shots:</b> with the log-uniform imbalance {@code alpha_c ~ U(log 0.5, log 2)} and
 *       {@code R_c = exp(alpha_c) |Im(c)| / sum_c' exp(alpha_c') |Im(c')|},
 *       {@code k_c = min(floor(R_c (|S| - k)) + 1, |Im(c)| - q)}: proportional to class size, at
 *       least 1, never more than the class has left after its queries.</li>
 * </ol>
 *
 * Support and query examples of a class are disjoint and drawn uniformly. Episode (seed, index)
 * depends on (seed, index) only. Thread-safe.
 */
public final class MetaDatasetSampler implements EpisodeSampler {
    public static final int MIN_WAYS = 5;
    public static final int MAX_WAYS = 50;
    public static final int MAX_QUERY = 10;
    public static final int MAX_SUPPORT_PER_CLASS = 100;
    public static final int MAX_SUPPORT = 500;
    static final double MIN_LOG_WEIGHT = Math.log(0.5);
    static final double MAX_LOG_WEIGHT = Math.log(2.0);

    private final Split split;
    private final int[] examplesPerClass;
    private final EligibleClasses eligible;

    /**
     * @throws IllegalArgumentException when the split has fewer than {@value #MIN_WAYS} classes or a
     *     class has fewer than 2 examples (one query and one support); the message names the class and counts
     */
    public MetaDatasetSampler(FewShotDataset dataset, Split split) {
        this(dataset, split, false);
    }

    /** @param skipSmallClasses leave out classes with fewer than 2 examples instead of failing */
    public MetaDatasetSampler(FewShotDataset dataset, Split split, boolean skipSmallClasses) {
        this.split = split;
        if (dataset.classNames(split).size() < MIN_WAYS) {
            throw new IllegalArgumentException("split " + split + " of " + dataset.name() + " has " + dataset.classNames(split).size()
                + " classes; meta-dataset episodes have at least " + MIN_WAYS + " ways: use a data set (or eval.dataset)"
                + " with more classes in that split, or sampler kind fixed with fewer ways");
        }
        this.eligible = EligibleClasses.of(dataset, split, 2, MIN_WAYS, skipSmallClasses,
            "meta-dataset episodes (1 support + 1 query)", "add examples or remove the class");
        this.examplesPerClass = eligible.examples();
    }

    /** The classes left out because they have fewer than 2 examples; empty unless skipping. */
    public List<String> skipped() {
        return eligible.skipped();
    }

    @Override
    public EpisodeIndex episode(long seed, long index) {
        SplittableRandom rng = new SplittableRandom(SeedMix.of(seed, index, 0x4D44L));
        int maxWays = Math.min(MAX_WAYS, examplesPerClass.length);
        int ways = MIN_WAYS + rng.nextInt(maxWays - MIN_WAYS + 1);
        int[] classes = FixedEpisodeSampler.pick(rng, examplesPerClass.length, ways);
        int[] sizes = new int[ways];
        for (int i = 0; i < ways; i++) {
            sizes[i] = examplesPerClass[classes[i]];
        }
        int query = queryPerClass(sizes);
        int[] shots = shotsPerClass(rng, sizes, query);
        List<Integer> classList = new ArrayList<>(ways);
        List<int[]> support = new ArrayList<>(ways);
        List<int[]> queries = new ArrayList<>(ways);
        for (int i = 0; i < ways; i++) {
            int[] examples = FixedEpisodeSampler.pick(rng, sizes[i], shots[i] + query);
            classList.add(eligible.indices()[classes[i]]);
            support.add(Arrays.copyOfRange(examples, 0, shots[i]));
            queries.add(Arrays.copyOfRange(examples, shots[i], shots[i] + query));
        }
        return new EpisodeIndex(split, List.copyOf(classList), List.copyOf(support), List.copyOf(queries));
    }

    /** Step 2: {@code min(10, min_c floor(|Im(c)| / 2))}. */
    static int queryPerClass(int[] sizes) {
        int smallest = Arrays.stream(sizes).min().orElseThrow();
        return Math.min(MAX_QUERY, smallest / 2);
    }

    /** Step 3: the support budget {@code |S|} for a given beta. */
    static int supportBudget(double beta, int[] sizes, int query) {
        long total = 0;
        for (int size : sizes) {
            total += (long) Math.floor(beta * Math.min(MAX_SUPPORT_PER_CLASS, size - query) + 1);
        }
        return (int) Math.min(MAX_SUPPORT, total);
    }

    /** Steps 3 and 4: draws beta and the imbalance, returns {@code k_c} per chosen class. */
    static int[] shotsPerClass(SplittableRandom rng, int[] sizes, int query) {
        int ways = sizes.length;
        int budget = supportBudget(rng.nextDouble(), sizes, query);
        double[] weights = new double[ways];
        double sum = 0;
        for (int i = 0; i < ways; i++) {
            weights[i] = sizes[i] * Math.exp(MIN_LOG_WEIGHT + rng.nextDouble() * (MAX_LOG_WEIGHT - MIN_LOG_WEIGHT));
            sum += weights[i];
        }
        int[] shots = new int[ways];
        for (int i = 0; i < ways; i++) {
            int desired = (int) Math.floor(weights[i] / sum * (budget - ways)) + 1;
            shots[i] = Math.min(desired, sizes[i] - query);
        }
        return shots;
    }

    public Split split() {
        return split;
    }
}

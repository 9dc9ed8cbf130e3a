package dev.metascale.core.tune;

import java.util.List;
import java.util.Map;

/**
 * A suite's {@code tune:} block: how every method's hyperparameters are searched on the meta-validation classes
 * before its test trials run (the protocol of Meta-Dataset, Triantafillou et al. 2020, and of Chen et al. 2019's
 * "Closer Look": selection on validation classes, the same budget for every method).
 *
 * @param search    {@link #RANDOM} (seeded random search; the suite's own setting is its first candidate) or
 *                  {@link #GRID}
 * @param trials    candidates per method: the same for every method; 0 with a grid: the whole grid (every method's
 *                  grid must then have the same size)
 * @param seed      seed of the random search (and of a grid's subsample)
 * @param seeds     training seeds of every candidate; its score is the mean over them
 * @param episodes  validation episodes of every candidate
 * @param evalSeed  seed of the validation episodes: every candidate of every method is scored on the same ones
 * @param points    grid points of a range
 * @param keys      the keys to search with their ranges; an absent range is the declaring learner's
 *                  ({@code Hyperparameter} low..high); empty: every hyperparameter each method declares
 */
public record TuneSpec(String search, int trials, long seed, List<Long> seeds, int episodes, long evalSeed, int points,
                       Map<String, SearchRange> keys) {
    public static final String RANDOM = "random";
    public static final String GRID = "grid";
    public static final List<String> SEARCHES = List.of(RANDOM, GRID);

    public TuneSpec {
        seeds = List.copyOf(seeds);
        keys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys));
        if (!SEARCHES.contains(search)) {
            throw new IllegalArgumentException("tune.search must be one of " + SEARCHES + ", got " + search);
        }
    }

    /** Search trials each method runs: candidates × seeds. */
    public int trialsPerCandidate() {
        return seeds.size();
    }
}

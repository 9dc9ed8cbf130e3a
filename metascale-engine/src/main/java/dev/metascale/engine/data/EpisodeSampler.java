package dev.metascale.engine.data;

/**
 * Draws episodes from one split of a data set. Episode {@code i} of seed {@code s} depends on
 * (s, i) only, so a pool of test episodes is the same for every method and any pool size
 * shares its prefix with a larger one.
 */
public interface EpisodeSampler {
    EpisodeIndex episode(long seed, long index);
}

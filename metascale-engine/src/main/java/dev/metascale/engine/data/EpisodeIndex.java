package dev.metascale.engine.data;

import java.util.List;

/**
 * Which examples form one episode. Label {@code i} of the episode is class {@code classes.get(i)}
 * of {@code split}; {@code support.get(i)} and {@code query.get(i)} are example indices of that
 * class (disjoint).
 */
public record EpisodeIndex(Split split, List<Integer> classes, List<int[]> support, List<int[]> query) {
    public int ways() {
        return classes.size();
    }

    public int supportSize() {
        return support.stream().mapToInt(a -> a.length).sum();
    }

    public int querySize() {
        return query.stream().mapToInt(a -> a.length).sum();
    }
}

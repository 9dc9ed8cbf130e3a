package dev.metascale.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto frontier of points with a cost to minimise and a score to maximise. A point is on
 * the frontier when no other point has cost &le; and score &ge; with at least one of them strict.
 * Points with identical cost and score do not dominate each other, so duplicates of a frontier
 * point are all on the frontier.
 *
 * @param <T> type of the items behind the points
 */
public final class ParetoFrontier<T> {
    private static final Comparator<ParetoPoint<?>> BY_COST_THEN_SCORE_DESC =
            Comparator.<ParetoPoint<?>>comparingDouble(ParetoPoint::cost)
                    .thenComparing(Comparator.<ParetoPoint<?>>comparingDouble(ParetoPoint::score).reversed());

    private final List<ParetoPoint<T>> frontier;
    private final List<ParetoPoint<T>> dominated;

    private ParetoFrontier(List<ParetoPoint<T>> frontier, List<ParetoPoint<T>> dominated) {
        this.frontier = List.copyOf(frontier);
        this.dominated = List.copyOf(dominated);
    }

    /** Splits {@code points} into the frontier and the dominated rest (O(n&sup2;), n is small). */
    public static <T> ParetoFrontier<T> of(List<ParetoPoint<T>> points) {
        List<ParetoPoint<T>> onFrontier = new ArrayList<>();
        List<ParetoPoint<T>> dominatedPoints = new ArrayList<>();
        for (ParetoPoint<T> candidate : points) {
            boolean isDominated = points.stream().anyMatch(other -> other.dominates(candidate));
            (isDominated ? dominatedPoints : onFrontier).add(candidate);
        }
        onFrontier.sort(BY_COST_THEN_SCORE_DESC);
        dominatedPoints.sort(BY_COST_THEN_SCORE_DESC);
        return new ParetoFrontier<>(onFrontier, dominatedPoints);
    }

    /**
     * Frontiers within groups: a point is dominated only by a point of its own group ({@code groupOf}: for accuracies,
     * {@link RunAnalysis#comparisonGroup}, so a 5-shot accuracy never dominates a 1-shot one).
     */
    public static <T> ParetoFrontier<T> within(List<ParetoPoint<T>> points, java.util.function.Function<T, String> groupOf) {
        List<ParetoPoint<T>> onFrontier = new ArrayList<>();
        List<ParetoPoint<T>> dominatedPoints = new ArrayList<>();
        for (ParetoPoint<T> candidate : points) {
            String group = groupOf.apply(candidate.item());
            boolean isDominated = points.stream().anyMatch(other -> other.dominates(candidate) && groupOf.apply(other.item()).equals(group));
            (isDominated ? dominatedPoints : onFrontier).add(candidate);
        }
        onFrontier.sort(BY_COST_THEN_SCORE_DESC);
        dominatedPoints.sort(BY_COST_THEN_SCORE_DESC);
        return new ParetoFrontier<>(onFrontier, dominatedPoints);
    }

    /** The points of one group ({@code groupOf}), as their own frontier, groups in order of their cheapest point. */
    public java.util.Map<String, ParetoFrontier<T>> byGroup(java.util.function.Function<T, String> groupOf) {
        java.util.Map<String, List<ParetoPoint<T>>> front = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<ParetoPoint<T>>> rest = new java.util.LinkedHashMap<>();
        frontier.forEach(p -> front.computeIfAbsent(groupOf.apply(p.item()), k -> new ArrayList<>()).add(p));
        dominated.forEach(p -> rest.computeIfAbsent(groupOf.apply(p.item()), k -> new ArrayList<>()).add(p));
        java.util.Map<String, ParetoFrontier<T>> out = new java.util.LinkedHashMap<>();
        front.forEach((g, f) -> out.put(g, new ParetoFrontier<>(f, rest.getOrDefault(g, List.of()))));
        return out;
    }

    /**
     * The points whose item passes {@code keep}, each still on the frontier or dominated as before (exact when no kept
     * point was dominated only by a dropped one, as when {@code keep} selects whole groups of {@link #within}).
     */
    public ParetoFrontier<T> filter(java.util.function.Predicate<T> keep) {
        return new ParetoFrontier<>(frontier.stream().filter(p -> keep.test(p.item())).toList(),
                dominated.stream().filter(p -> keep.test(p.item())).toList());
    }

    /** Frontier points, cheapest first (so score rises along the list). */
    public List<ParetoPoint<T>> frontier() {
        return frontier;
    }

    /** Points some other point dominates, cheapest first. */
    public List<ParetoPoint<T>> dominated() {
        return dominated;
    }

    /** Every point, frontier first. */
    public List<ParetoPoint<T>> all() {
        List<ParetoPoint<T>> all = new ArrayList<>(frontier);
        all.addAll(dominated);
        return all;
    }

    public boolean isEmpty() {
        return frontier.isEmpty();
    }

    /** True when {@code item} is behind a frontier point. */
    public boolean isOnFrontier(T item) {
        return frontier.stream().anyMatch(p -> p.item().equals(item));
    }
}

package dev.metascale.report;

import java.util.Objects;

/**
 * One candidate on a two-objective trade-off: a {@code cost} to minimise (memory, time) and a
 * {@code score} to maximise (accuracy, or a perplexity negated: {@link TaskScore#oriented}), carrying the {@code item}
 * it stands for.
 *
 * @param item  what the point represents (e.g. a configuration)
 * @param cost  the resource used; lower is better
 * @param score the quality reached; higher is better
 * @param <T>   type of the item
 */
public record ParetoPoint<T>(T item, double cost, double score) {

    public ParetoPoint {
        Objects.requireNonNull(item, "item");
        if (!Double.isFinite(cost) || !Double.isFinite(score)) {
            throw new IllegalArgumentException("a Pareto point needs a finite cost and score, got cost=" + cost
                    + " score=" + score + " for " + item + ": leave absent measurements out of the frontier");
        }
    }

    /** True when this point is at least as good in both objectives and strictly better in one. */
    public boolean dominates(ParetoPoint<?> other) {
        boolean noWorse = cost <= other.cost && score >= other.score;
        boolean strictlyBetter = cost < other.cost || score > other.score;
        return noWorse && strictlyBetter;
    }
}

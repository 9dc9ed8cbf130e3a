package dev.metascale.core.tune;

import dev.metascale.core.component.Hyperparameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where a tuning search looks for one hyperparameter: a list of values, or a range (on a logarithmic scale for learning
 * rates and λ, whole numbers for counts).
 *
 * @param key      the key under {@code algorithm:}
 * @param values   the values to try; empty for a range
 * @param low      lower end of the range (inclusive)
 * @param high     upper end of the range (inclusive)
 * @param logScale sample and space the range logarithmically
 * @param integer  whole numbers only
 */
public record SearchRange(String key, List<Double> values, double low, double high, boolean logScale, boolean integer) {
    public SearchRange {
        values = List.copyOf(values);
        if (values.isEmpty() && !(low <= high)) {
            throw new IllegalArgumentException(key + ": the range " + low + ".." + high + " is empty");
        }
        if (values.isEmpty() && logScale && low <= 0) {
            throw new IllegalArgumentException(key + ": a logarithmic range needs low > 0, got " + low);
        }
    }

    /** The range a learner's descriptor declares for the key. */
    public static SearchRange of(Hyperparameter declared) {
        return new SearchRange(declared.key(), List.of(), declared.low(), declared.high(), declared.logScale(), declared.integer());
    }

    /** The same kind of key (scale, integer) over another range. */
    public SearchRange between(double newLow, double newHigh) {
        return new SearchRange(key, List.of(), newLow, newHigh, logScale, integer);
    }

    /** The same kind of key over a list of values. */
    public SearchRange among(List<Double> newValues) {
        return new SearchRange(key, newValues, low, high, logScale, integer);
    }

    /** One value drawn at random: uniformly from the list, else log-uniformly (or uniformly) from the range. */
    public Number sample(Random random) {
        if (!values.isEmpty()) {
            return typed(values.get(random.nextInt(values.size())));
        }
        double u = random.nextDouble();
        double v = logScale ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
        return typed(v);
    }

    /**
     * The grid's values: the list, else {@code points} points spanning the range (geometrically on a log scale), counts
     * rounded and repeated ones dropped.
     */
    public List<Number> grid(int points) {
        List<Number> grid = new ArrayList<>();
        if (!values.isEmpty()) {
            values.forEach(v -> grid.add(typed(v)));
            return List.copyOf(grid);
        }
        for (int i = 0; i < points; i++) {
            double t = points == 1 ? 0.5 : (double) i / (points - 1);
            double v = logScale ? Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low))) : low + t * (high - low);
            Number n = typed(v);
            if (!grid.contains(n)) {
                grid.add(n);
            }
        }
        return List.copyOf(grid);
    }

    /** A whole number for a count, else the value rounded to three significant digits (what a reader can retype). */
    private Number typed(double v) {
        if (integer) {
            return (int) Math.round(v);
        }
        if (v == 0) {
            return 0.0;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }

    /** {@code inner_lr 0.01..1 (log)} or {@code inner_lr [0.1, 0.4]}. */
    public String describe() {
        if (!values.isEmpty()) {
            return key + " " + values.stream().map(v -> integer ? String.valueOf((long) (double) v) : String.valueOf(v)).toList();
        }
        return key + " " + shown(low) + ".." + shown(high) + (logScale ? " (log)" : "");
    }

    private static String shown(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

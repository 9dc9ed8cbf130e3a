package dev.metascale.core.component;

/**
 * One setting a learner reads from the suite's {@code algorithm} section, with the range a search over it
 * should cover. The suite schema's table holds the default and hard bound of the common keys ({@code inner_lr},
 * {@code cg_steps}, ...); a key it does not hold is added to the schema from the descriptor that declares it, with
 * {@code defaultValue} and the bound of its kind (counts >= 0, logarithmic ranges > 0), and reaches the learner through
 * {@code AlgorithmSpec.option(key)}.
 *
 * @param key      the key under {@code algorithm:} ({@code inner_lr})
 * @param integer  whole numbers only
 * @param low      lower end of the sensible search range
 * @param high     upper end of the sensible search range
 * @param logScale search the range on a logarithmic scale (learning rates, λ)
 * @param meaning  what it sets, for `metascale list`
 * @param defaultValue its default when the suite's table does not hold the key (Integer for whole numbers, Double
 *                 otherwise); null for the table's keys
 */
public record Hyperparameter(String key, boolean integer, double low, double high, boolean logScale, String meaning,
                             Number defaultValue) {
    public Hyperparameter {
        if (!(low <= high)) {
            throw new IllegalArgumentException(key + ": search range " + low + ".." + high + " is empty");
        }
        if (logScale && low <= 0) {
            throw new IllegalArgumentException(key + ": a logarithmic range needs low > 0, got " + low);
        }
        if (defaultValue != null && integer != (defaultValue instanceof Integer)) {
            throw new IllegalArgumentException(key + ": the default " + defaultValue + " must be " + (integer ? "an Integer" : "a Double"));
        }
    }

    public Hyperparameter(String key, boolean integer, double low, double high, boolean logScale, String meaning) {
        this(key, integer, low, high, logScale, meaning, null);
    }

    /** The same setting with the default a suite gets when it leaves the key out (for keys the schema's table lacks). */
    public Hyperparameter withDefault(Number value) {
        return new Hyperparameter(key, integer, low, high, logScale, meaning, integer ? (Number) value.intValue() : (Number) value.doubleValue());
    }

    public static Hyperparameter real(String key, double low, double high, String meaning) {
        return new Hyperparameter(key, false, low, high, true, meaning);
    }

    public static Hyperparameter count(String key, int low, int high, String meaning) {
        return new Hyperparameter(key, true, low, high, false, meaning);
    }

    /** {@code inner_lr 0.01..1 (log)}. */
    public String describe() {
        return key + " " + shown(low) + ".." + shown(high) + (logScale ? " (log)" : "");
    }

    private static String shown(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

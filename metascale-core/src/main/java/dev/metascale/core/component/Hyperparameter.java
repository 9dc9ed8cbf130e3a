package dev.metascale.core.component;

/**
 * One setting a learner reads from the suite's {@code algorithm} section, with the range a search over it
 * should cover (the suite schema holds its default and hard bound).
 *
 * @param key      the key under {@code algorithm:} ({@code inner_lr})
 * @param integer  whole numbers only
 * @param low      lower end of the sensible search range
 * @param high     upper end of the sensible search range
 * @param logScale search the range on a logarithmic scale (learning rates, λ)
 * @param meaning  what it sets, for `metascale list`
 */
public record Hyperparameter(String key, boolean integer, double low, double high, boolean logScale, String meaning) {
    public Hyperparameter {
        if (!(low <= high)) {
            throw new IllegalArgumentException(key + ": search range " + low + ".." + high + " is empty");
        }
        if (logScale && low <= 0) {
            throw new IllegalArgumentException(key + ": a logarithmic range needs low > 0, got " + low);
        }
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

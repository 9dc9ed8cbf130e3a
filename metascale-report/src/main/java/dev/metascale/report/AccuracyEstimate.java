package dev.metascale.report;

import java.util.OptionalDouble;

/**
 * A task metric of one configuration with its 95 % confidence half-width: accuracy (a fraction in
 * [0, 1]), or for language-model tasks perplexity or bits per character.
 *
 * @param mean  mean over seeds of the per-trial mean over test episodes
 * @param ci95  half-width of the 95 % interval; empty when the record gave none
 * @param basis where the interval comes from
 * @param n     seeds (basis {@link CiBasis#SEEDS}) or test episodes (basis {@link CiBasis#EPISODES})
 *              behind the interval
 */
public record AccuracyEstimate(double mean, OptionalDouble ci95, CiBasis basis, int n) {

    /** Which variability the confidence interval describes. */
    public enum CiBasis {
        /** Student-t interval across the seed means: captures training randomness. */
        SEEDS("t-CI over %d seeds"),
        /** The single trial's own interval over its test episodes: task sampling only. */
        EPISODES("1 seed, CI over %d episodes");

        private final String pattern;

        CiBasis(String pattern) {
            this.pattern = pattern;
        }

        /** A short human description, e.g. {@code t-CI over 3 seeds}. */
        public String describe(int n) {
            return String.format(java.util.Locale.ROOT, pattern, n);
        }
    }

    /** The description of the interval, e.g. {@code t-CI over 3 seeds}. */
    public String basisDescription() {
        return basis.describe(n);
    }
}

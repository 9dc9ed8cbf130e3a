package dev.metascale.report;

import dev.metascale.core.stats.Statistics;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The difference {@code b − a} of two means with its 95 % confidence interval and two-sided
 * p-value, from one of two Student-t tests:
 *
 * <ul>
 *   <li><b>paired</b> (the same test episodes scored by both): with d_i = b_i − a_i over n pairs,
 *       t = mean(d) / (s_d / √n), n − 1 degrees of freedom (Student 1908);</li>
 *   <li><b>Welch</b> (independent samples): t = (m_b − m_a) / √(s_a²/n_a + s_b²/n_b), degrees of
 *       freedom by Welch–Satterthwaite ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1))
 *       (Welch 1947, eq. 28).</li>
 * </ul>
 * The interval is delta ± t_{0.975,ν} · SE. With zero standard error the p-value is 0 for a
 * non-zero delta and 1 otherwise.
 *
 * @param delta  mean of b minus mean of a
 * @param ci95   half-width of the 95 % interval of delta
 * @param pValue two-sided p-value of "no difference"
 * @param test   {@code paired} or {@code welch}
 * @param n      pairs (paired) or the smaller of the two sample sizes (Welch)
 * @param unit   what one sample is: {@code seeds} (one trained model each: training variance included) or
 *               {@code episodes} (one seed's test episodes: only the variance of the episode draw); {@code samples}
 *               for other data (iteration times)
 */
public record MeanDifference(double delta, double ci95, double pValue, String test, int n, String unit) {
    public static final String PAIRED = "paired";
    public static final String WELCH = "welch";
    public static final String SEEDS = "seeds";
    public static final String EPISODES = "episodes";
    public static final String SAMPLES = "samples";

    /** The same difference, its samples named (seeds, episodes). */
    public MeanDifference over(String what) {
        return new MeanDifference(delta, ci95, pValue, test, n, what);
    }

    /** E.g. {@code paired over 3 seeds}, {@code paired over 200 episodes of one seed (training variance not measured)}. */
    public String describe() {
        String base = test + " over " + n + " " + unit;
        return EPISODES.equals(unit) ? base + " of one seed (training variance not measured)" : base;
    }

    /** True when the 95 % interval excludes zero (p &lt; 0.05). */
    public boolean significant() {
        return pValue < 0.05;
    }

    /** Paired t-test of {@code b − a}; the arrays must be equally long (one entry per shared episode), n ≥ 2. */
    public static MeanDifference paired(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("a paired comparison needs two equally long samples of at least 2, got "
                    + a.length + " and " + b.length + ": pair only trials evaluated on the same test episodes");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = b[i] - a[i];
        }
        double mean = Statistics.mean(d);
        double se = Statistics.std(d) / Math.sqrt(d.length);
        return fromT(mean, se, d.length - 1, PAIRED, d.length);
    }

    /** Welch's t-test of {@code b − a} from the two samples' summaries (mean, sample std, n ≥ 2 each). */
    public static MeanDifference welch(double meanA, double stdA, int nA, double meanB, double stdB, int nB) {
        if (nA < 2 || nB < 2) {
            throw new IllegalArgumentException("Welch's test needs at least 2 samples on each side, got " + nA + " and " + nB);
        }
        double va = stdA * stdA / nA;
        double vb = stdB * stdB / nB;
        double se = Math.sqrt(va + vb);
        double df = (va + vb) * (va + vb) / (va * va / (nA - 1) + vb * vb / (nB - 1));
        if (!Double.isFinite(df)) {
            df = nA + nB - 2;
        }
        return fromT(meanB - meanA, se, df, WELCH, Math.min(nA, nB));
    }

    /** Welch's test on two raw samples. */
    public static MeanDifference welch(double[] a, double[] b) {
        return welch(Statistics.mean(a), Statistics.std(a), a.length, Statistics.mean(b), Statistics.std(b), b.length);
    }

    private static MeanDifference fromT(double delta, double se, double df, String test, int n) {
        if (se == 0 || !Double.isFinite(se)) {
            return new MeanDifference(delta, 0, delta == 0 ? 1 : 0, test, n, SAMPLES);
        }
        TDistribution t = new TDistribution(df);
        double p = 2 * t.cumulativeProbability(-Math.abs(delta / se));
        return new MeanDifference(delta, t.inverseCumulativeProbability(0.975) * se, p, test, n, SAMPLES);
    }
}

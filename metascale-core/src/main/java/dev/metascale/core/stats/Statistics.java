package dev.metascale.core.stats;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.Arrays;

/** Summaries of samples: the only place the project computes means, deviations and intervals. */
public final class Statistics {
    private Statistics() {
    }

    public static double mean(double[] xs) {
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return xs.length == 0 ? Double.NaN : sum / xs.length;
    }

    /**
     * Sample standard deviation (n - 1 in the denominator); NaN below two samples, where it is not defined (one
     * sample says nothing of the spread: 0 would read as certainty).
     */
    public static double std(double[] xs) {
        if (xs.length < 2) {
            return Double.NaN;
        }
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (xs.length - 1));
    }

    /** Half-width of the two-sided 95 % Student-t interval of the mean; NaN below two samples (not defined). */
    public static double ci95(double[] xs) {
        if (xs.length < 2) {
            return Double.NaN;
        }
        double t = new TDistribution(xs.length - 1).inverseCumulativeProbability(0.975);
        return t * std(xs) / Math.sqrt(xs.length);
    }

    /** Linear-interpolated quantile, q in [0, 1]. */
    public static double quantile(double[] xs, double q) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** Mean, std and ci95 of {@code xs}; std and ci95 absent (null, left out of the record) below two samples. */
    public static Summary summary(double[] xs) {
        return new Summary(mean(xs), defined(std(xs)), defined(ci95(xs)), xs.length);
    }

    /** Median, mean, std and p95 of {@code xs}; std absent below two samples. */
    public static Distribution distribution(double[] xs) {
        return new Distribution(quantile(xs, 0.5), mean(xs), defined(std(xs)), quantile(xs, 0.95), xs.length);
    }

    private static Double defined(double x) {
        return Double.isNaN(x) ? null : x;
    }
}

package dev.metascale.report;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * A power law y = a · x^b fitted by ordinary least squares on log y = log a + b · log x (the usual
 * way scaling laws are fitted, e.g. Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
 * eq. 1.1–1.3). With n points, residual variance s² = Σ r_i² / (n − 2) and S_xx = Σ (log x_i − mean log x)²:
 * SE(b) = s / √S_xx; the 95 % interval of a prediction at x₀ (in log space) is
 * t_{0.975,n−2} · s · √(1 + 1/n + (log x₀ − mean log x)² / S_xx) (a prediction interval, so it widens
 * the further x₀ is extrapolated).
 *
 * @param exponent      b
 * @param coefficient   a
 * @param exponentCi95  half-width of the 95 % interval of b (NaN with 2 points: no residual freedom)
 * @param rSquared      R² of the log-log fit
 * @param n             points fitted
 * @param meanLogX      mean of log x (for prediction intervals)
 * @param sxx           S_xx
 * @param residualStd   s, the residual standard deviation in log space (NaN with 2 points)
 * @param minX          smallest x fitted
 * @param maxX          largest x fitted
 */
public record PowerLawFit(double exponent, double coefficient, double exponentCi95, double rSquared, int n,
                          double meanLogX, double sxx, double residualStd, double minX, double maxX) {

    /**
     * Fits y = a·x^b; needs at least two points with distinct positive x and positive y.
     *
     * @throws IllegalArgumentException when fewer than two usable points remain
     */
    public static PowerLawFit fit(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("power-law fit: " + x.length + " x values but " + y.length + " y values");
        }
        int n = 0;
        double[] lx = new double[x.length];
        double[] ly = new double[x.length];
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > 0 && y[i] > 0 && Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                lx[n] = Math.log(x[i]);
                ly[n] = Math.log(y[i]);
                min = Math.min(min, x[i]);
                max = Math.max(max, x[i]);
                n++;
            }
        }
        if (n < 2 || min == max) {
            throw new IllegalArgumentException("a power-law fit needs at least two points with distinct positive x, got " + n
                    + " usable point(s)" + (min == max ? " at one x" : "") + ": sweep the size over at least two values");
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += lx[i];
            my += ly[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (lx[i] - mx) * (lx[i] - mx);
            sxy += (lx[i] - mx) * (ly[i] - my);
            syy += (ly[i] - my) * (ly[i] - my);
        }
        double b = sxy / sxx;
        double logA = my - b * mx;
        double rss = 0;
        for (int i = 0; i < n; i++) {
            double r = ly[i] - (logA + b * lx[i]);
            rss += r * r;
        }
        double r2 = syy == 0 ? 1 : 1 - rss / syy;
        double s = n > 2 ? Math.sqrt(rss / (n - 2)) : Double.NaN;
        double ci = n > 2 ? new TDistribution(n - 2).inverseCumulativeProbability(0.975) * s / Math.sqrt(sxx) : Double.NaN;
        return new PowerLawFit(b, Math.exp(logA), ci, r2, n, mx, sxx, s, min, max);
    }

    /** a · x^b. */
    public double predict(double x) {
        return coefficient * Math.pow(x, exponent);
    }

    /**
     * The multiplicative half-width of the 95 % prediction interval at x: the interval is
     * [predict(x) / f, predict(x) · f]. NaN with two points (no residual to estimate the spread).
     */
    public double predictionFactor(double x) {
        if (n <= 2 || !Double.isFinite(residualStd)) {
            return Double.NaN;
        }
        double t = new TDistribution(n - 2).inverseCumulativeProbability(0.975);
        double d = Math.log(x) - meanLogX;
        return Math.exp(t * residualStd * Math.sqrt(1 + 1.0 / n + d * d / sxx));
    }

    /** How far beyond the fitted range x lies, as a ratio ≥ 1 (1 inside the range). */
    public double extrapolationRatio(double x) {
        return x > maxX ? x / maxX : x < minX ? minX / x : 1;
    }
}

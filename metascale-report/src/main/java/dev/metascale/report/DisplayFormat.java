package dev.metascale.report;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** How numbers read in the HTML and Markdown report; an absent value is an em dash, never 0. */
final class DisplayFormat {
    /** Shown for a value that was not measured. */
    static final String ABSENT = "—";
    private static final double MIB = 1024.0 * 1024.0;

    private DisplayFormat() {
    }

    /** {@code 71.3 ± 2.1 %}, {@code 71.3 %} without an interval, or {@link #ABSENT}. */
    static String accuracy(Optional<AccuracyEstimate> estimate) {
        if (estimate.isEmpty()) {
            return ABSENT;
        }
        AccuracyEstimate a = estimate.get();
        String mean = percent(a.mean());
        return a.ci95().isPresent() ? mean + " ± " + percent(a.ci95().getAsDouble()) + " %" : mean + " %";
    }

    /** {@code 12.34 ± 0.56} (perplexity, bits per character), without an interval {@code 12.34}, or {@link #ABSENT}. */
    static String plain(Optional<AccuracyEstimate> estimate) {
        if (estimate.isEmpty()) {
            return ABSENT;
        }
        AccuracyEstimate a = estimate.get();
        String mean = String.format(Locale.ROOT, "%.2f", a.mean());
        return a.ci95().isPresent() ? mean + " ± " + String.format(Locale.ROOT, "%.2f", a.ci95().getAsDouble()) : mean;
    }

    /** A fraction as percent with one decimal, without the sign: {@code 0.7134 -> 71.3}. */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    /** Three significant digits without exponent for ordinary magnitudes. */
    static String number(OptionalDouble value) {
        return value.isPresent() ? number(value.getAsDouble()) : ABSENT;
    }

    static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.001 || a == 0) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** Bytes as MiB with one decimal. */
    static String mib(OptionalDouble bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%,.1f", bytes.getAsDouble() / MIB) : ABSENT;
    }

    /** Bytes as GiB with one decimal. */
    static String gib(double bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (MIB * 1024));
    }

    /** A whole count with thousands separators. */
    static String count(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%,d", Math.round(value.getAsDouble())) : ABSENT;
    }

    /** A cost in its unit for prose, e.g. {@code 412.3 MiB} or {@code 18.2 s}. */
    static String cost(double value, CostMetric metric) {
        return number(value) + " " + metric.unit();
    }
}

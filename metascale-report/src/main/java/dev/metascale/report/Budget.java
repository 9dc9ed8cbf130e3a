package dev.metascale.report;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hardware limits and targets to advise against, and the parsers of their command-line forms:
 * memory {@code 2GiB}, {@code 512MiB}, {@code 1.5G} (binary units; a bare number is bytes), time
 * {@code 30s}, {@code 5m}, {@code 2h} (a bare number is seconds), accuracy {@code 0.6} or {@code 60%},
 * parameters {@code 350M}, {@code 7B}, {@code 1e9}.
 *
 * @param maxMemoryBytes  peak memory allowed (compared with {@code peak_rss_bytes})
 * @param maxTimeS        meta-training time allowed (compared with {@code train_time_s})
 * @param minAccuracy     accuracy required, fraction (classification tasks)
 * @param params          model size to extrapolate to; empty = advise on the measured sizes
 * @param maxPerplexity   query perplexity allowed (language-model tasks, lower is better)
 */
public record Budget(OptionalDouble maxMemoryBytes, OptionalDouble maxTimeS, OptionalDouble minAccuracy, OptionalDouble params,
                     OptionalDouble maxPerplexity) {
    /** A budget without a perplexity limit. */
    public Budget(OptionalDouble maxMemoryBytes, OptionalDouble maxTimeS, OptionalDouble minAccuracy, OptionalDouble params) {
        this(maxMemoryBytes, maxTimeS, minAccuracy, params, OptionalDouble.empty());
    }

    private static final Pattern QUANTITY = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\\s*([A-Za-z%]*)\\s*");

    public static double parseBytes(String text) {
        Matcher m = match(text, "memory", "2GiB, 512MiB or 1.5G");
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        double factor = switch (unit) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1024;
            case "m", "mb", "mib" -> 1024.0 * 1024;
            case "g", "gb", "gib" -> 1024.0 * 1024 * 1024;
            case "t", "tb", "tib" -> 1024.0 * 1024 * 1024 * 1024;
            default -> throw invalid(text, "memory", "unit " + m.group(2) + " is not one of B, KiB, MiB, GiB, TiB");
        };
        return v * factor;
    }

    public static double parseSeconds(String text) {
        Matcher m = match(text, "time", "30s, 5m or 2h");
        double v = Double.parseDouble(m.group(1));
        return v * switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "s", "sec" -> 1;
            case "ms" -> 0.001;
            case "m", "min" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            default -> throw invalid(text, "time", "unit " + m.group(2) + " is not one of ms, s, m, h, d");
        };
    }

    /** A fraction in [0, 1]: {@code 0.6} or {@code 60%}. */
    public static double parseAccuracy(String text) {
        Matcher m = match(text, "accuracy", "0.6 or 60%");
        double v = Double.parseDouble(m.group(1));
        if ("%".equals(m.group(2))) {
            v /= 100;
        } else if (!m.group(2).isEmpty()) {
            throw invalid(text, "accuracy", "write a fraction (0.6) or a percentage (60%)");
        }
        if (v < 0 || v > 1) {
            throw invalid(text, "accuracy", "it must lie in [0, 1] (or 0%–100%)");
        }
        return v;
    }

    /** A perplexity limit: a plain number of at least 1 (perplexity is exp of a cross-entropy, so never below 1). */
    public static double parsePerplexity(String text) {
        Matcher m = match(text, "perplexity", "12 or 7.5");
        if (!m.group(2).isEmpty()) {
            throw invalid(text, "perplexity", "write a plain number such as 12: perplexity has no unit");
        }
        double v = Double.parseDouble(m.group(1));
        if (v < 1) {
            throw invalid(text, "perplexity", "a perplexity is at least 1 (exp of a cross-entropy)");
        }
        return v;
    }

    /** A count: {@code 350M}, {@code 7B}, {@code 2.5k}, {@code 1e9}. */
    public static double parseCount(String text) {
        Matcher m = match(text, "parameter count", "350M, 7B or 1e9");
        double v = Double.parseDouble(m.group(1));
        return v * switch (m.group(2)) {
            case "" -> 1;
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "B", "G" -> 1e9;
            case "T" -> 1e12;
            default -> throw invalid(text, "parameter count", "suffix " + m.group(2) + " is not one of k, M, B, T");
        };
    }

    private static Matcher match(String text, String what, String examples) {
        Matcher m = QUANTITY.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw invalid(text, what, "write it like " + examples);
        }
        return m;
    }

    private static IllegalArgumentException invalid(String text, String what, String fix) {
        return new IllegalArgumentException("cannot read " + what + " '" + text + "': " + fix);
    }
}

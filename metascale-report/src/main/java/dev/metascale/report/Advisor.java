package dev.metascale.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Which measured methods fit a {@link Budget}, ranked. A configuration fits when its peak memory
 * ({@code peak_rss_bytes}), meta-training time ({@code train_time_s}) and mean score meet every
 * limit given (accuracy for classification, perplexity for language models: {@link TaskScore}); an unmeasured
 * quantity that is limited does not fit. Of those that fit, the ones no other fitting one of the same comparison
 * group beats on score, memory and time together (the three-way Pareto frontier) are recommended, ranked within
 * their group by score (the most accurate, or the lowest perplexity, first) with Meta-Dataset's tie rule
 * ({@link TieRanking}), ties broken by less memory.
 *
 * <p>With {@link Budget#params()} the memory and time of each method are extrapolated to that size
 * with the power laws fitted over the model sizes it was run at ({@link PowerLawFit}, its 95 %
 * prediction interval); the upper end of the interval must fit. Accuracy is not extrapolated: the
 * accuracy shown is the one measured at the largest size.
 */
public final class Advisor {
    /**
     * A configuration judged against the budget.
     *
     * @param configuration the configuration (for extrapolation: its largest measured size)
     * @param rank          score rank among the recommended of its comparison group (0 when not recommended)
     * @param memoryBytes   measured or extrapolated peak memory (point estimate)
     * @param memoryHigh    upper end of the 95 % prediction interval (= memoryBytes when measured)
     * @param timeS         measured or extrapolated training time
     * @param timeHigh      upper end of its interval
     * @param reason        why it was recommended or left out
     */
    public record Verdict(ConfigurationSummary configuration, int rank, OptionalDouble memoryBytes, OptionalDouble memoryHigh,
                          OptionalDouble timeS, OptionalDouble timeHigh, String reason) {
        public boolean recommended() {
            return rank > 0;
        }
    }

    private Advisor() {
    }

    /** Recommended verdicts first (by rank), then the rest with the reason each was left out. */
    public static List<Verdict> advise(RunAnalysis analysis, Budget budget) {
        List<Verdict> fitting = new ArrayList<>();
        List<Verdict> rejected = new ArrayList<>();
        List<ConfigurationSummary> candidates = budget.params().isPresent() ? largestPerModelGroup(analysis, rejected, budget)
                : analysis.configurations();
        for (ConfigurationSummary c : candidates) {
            Verdict v = budget.params().isPresent() ? extrapolated(analysis, c, budget.params().getAsDouble())
                    : new Verdict(c, 0, c.peakRssBytes(), c.peakRssBytes(), c.trainTimeS(), c.trainTimeS(), "");
            List<String> misses = misses(v, budget);
            if (v.reason().startsWith("cannot")) {
                rejected.add(v);
            } else if (misses.isEmpty()) {
                fitting.add(v);
            } else {
                rejected.add(withReason(v, 0, "does not fit: " + String.join("; ", misses)));
            }
        }
        List<Verdict> frontier = new ArrayList<>();
        for (Verdict v : fitting) {
            Verdict dominator = fitting.stream().filter(o -> o != v && dominates(o, v)).findFirst().orElse(null);
            if (dominator == null) {
                frontier.add(v);
            } else {
                rejected.add(withReason(v, 0, "fits, but " + dominator.configuration().label()
                        + (v.configuration().scoreKind().orElse(TaskScore.ACCURACY) == TaskScore.ACCURACY ? " is at least as accurate"
                        : " has no higher perplexity") + " with no more memory and time"));
            }
        }
        // ranks within each comparison group (evaluation data set and episode shape): a 5-shot accuracy never outranks
        // a 1-shot method
        Map<String, List<Verdict>> byGroup = new java.util.LinkedHashMap<>();
        frontier.forEach(v -> byGroup.computeIfAbsent(group(v), k -> new ArrayList<>()).add(v));
        List<Verdict> out = new ArrayList<>();
        for (Map.Entry<String, List<Verdict>> g : byGroup.entrySet()) {
            List<TieRanking.Entry<Verdict>> entries = g.getValue().stream().map(v -> new TieRanking.Entry<>(v,
                    v.configuration().orientedScore().getAsDouble(), v.configuration().score().get().ci95())).toList();
            Map<Verdict, Integer> ranks = TieRanking.rank(entries);
            String prefix = byGroup.size() > 1 ? "[" + g.getKey() + "] " : "";
            g.getValue().stream().sorted(Comparator.comparingInt((Verdict v) -> ranks.get(v))
                            .thenComparingDouble(v -> v.memoryHigh().orElse(Double.MAX_VALUE)))
                    .forEach(v -> out.add(withReason(v, ranks.get(v), prefix + reason(v, ranks.get(v), budget))));
        }
        out.addAll(rejected);
        return out;
    }

    private static List<ConfigurationSummary> largestPerModelGroup(RunAnalysis analysis, List<Verdict> rejected, Budget budget) {
        List<ConfigurationSummary> out = new ArrayList<>();
        List<ScalingAxis.Group> groups = ScalingAxis.MODEL.groups(analysis.configurations());
        for (ScalingAxis.Group g : groups) {
            out.add(g.points().get(g.points().size() - 1));
        }
        for (ConfigurationSummary c : analysis.configurations()) {
            boolean inGroup = groups.stream().anyMatch(g -> g.points().contains(c));
            if (!inGroup) {
                rejected.add(new Verdict(c, 0, c.peakRssBytes(), c.peakRssBytes(), c.trainTimeS(), c.trainTimeS(),
                        "cannot extrapolate to " + count(budget.params().getAsDouble()) + " parameters: this method was run at one model size only; "
                                + "sweep " + ScalingAxis.MODEL.sweepKey() + " over two or more sizes (three for an interval)"));
            }
        }
        return out;
    }

    private static Verdict extrapolated(RunAnalysis analysis, ConfigurationSummary largest, double params) {
        ScalingAxis.Group group = ScalingAxis.MODEL.groups(analysis.configurations()).stream()
                .filter(g -> g.points().contains(largest)).findFirst().orElseThrow();
        double[] mem = group.points().stream().mapToDouble(c -> c.peakRssBytes().orElse(Double.NaN)).toArray();
        double[] time = group.points().stream().mapToDouble(c -> c.trainTimeS().orElse(Double.NaN)).toArray();
        List<String> notes = new ArrayList<>();
        OptionalDouble[] m = predict(group.x(), mem, params, "memory", notes);
        OptionalDouble[] t = predict(group.x(), time, params, "time", notes);
        if (largest.score().isEmpty()) {
            return new Verdict(largest, 0, m[0], m[1], t[0], t[1], "cannot rank: no accuracy or perplexity measured");
        }
        return new Verdict(largest, 0, m[0], m[1], t[0], t[1], String.join("; ", notes));
    }

    /** Point estimate and upper 95 % bound at x, with a note on the fit; empty when it cannot be fitted. */
    private static OptionalDouble[] predict(double[] x, double[] y, double at, String what, List<String> notes) {
        try {
            PowerLawFit fit = PowerLawFit.fit(x, y);
            double p = fit.predict(at);
            double f = fit.predictionFactor(at);
            String spread = Double.isFinite(f) ? String.format(Locale.ROOT, "95 %% PI ×/÷ %.2f", f)
                    : "2 sizes: no interval, take it as a rough guess";
            notes.add(String.format(Locale.ROOT, "%s ∝ N^%.2f (%s, %.0f× beyond the largest size run)", what, fit.exponent(), spread,
                    fit.extrapolationRatio(at)));
            return new OptionalDouble[]{OptionalDouble.of(p), OptionalDouble.of(Double.isFinite(f) ? p * f : p)};
        } catch (IllegalArgumentException e) {
            notes.add(what + " not extrapolated (" + e.getMessage() + ")");
            return new OptionalDouble[]{OptionalDouble.empty(), OptionalDouble.empty()};
        }
    }

    private static List<String> misses(Verdict v, Budget b) {
        List<String> misses = new ArrayList<>();
        if (b.maxMemoryBytes().isPresent()) {
            if (v.memoryHigh().isEmpty()) {
                misses.add("peak memory not measured");
            } else if (v.memoryHigh().getAsDouble() > b.maxMemoryBytes().getAsDouble()) {
                misses.add("memory " + bytes(v.memoryHigh().getAsDouble()) + " > " + bytes(b.maxMemoryBytes().getAsDouble()));
            }
        }
        if (b.maxTimeS().isPresent()) {
            if (v.timeHigh().isEmpty()) {
                misses.add("training time not measured");
            } else if (v.timeHigh().getAsDouble() > b.maxTimeS().getAsDouble()) {
                misses.add("training time " + seconds(v.timeHigh().getAsDouble()) + " > " + seconds(b.maxTimeS().getAsDouble()));
            }
        }
        ConfigurationSummary c = v.configuration();
        if (c.score().isEmpty()) {
            misses.add("neither accuracy nor perplexity measured");
        }
        if (b.minAccuracy().isPresent()) {
            if (c.accuracy().isEmpty()) {
                misses.add(c.perplexity().isPresent() ? "a language model has no accuracy to hold to --min-accuracy (limit it with --max-perplexity)"
                        : "accuracy not measured");
            } else if (c.accuracy().get().mean() < b.minAccuracy().getAsDouble()) {
                misses.add("accuracy " + DisplayFormat.accuracy(c.accuracy()) + " < " + DisplayFormat.percent(b.minAccuracy().getAsDouble()) + " %");
            }
        }
        if (b.maxPerplexity().isPresent()) {
            if (c.perplexity().isEmpty()) {
                misses.add(c.accuracy().isPresent() ? "a classifier has no perplexity to hold to --max-perplexity (limit it with --min-accuracy)"
                        : "perplexity not measured");
            } else if (c.perplexity().get().mean() > b.maxPerplexity().getAsDouble()) {
                misses.add("perplexity " + DisplayFormat.plain(c.perplexity()) + " > "
                        + String.format(Locale.ROOT, "%.2f", b.maxPerplexity().getAsDouble()));
            }
        }
        return misses;
    }

    private static String group(Verdict v) {
        return RunAnalysis.comparisonGroup(v.configuration());
    }

    /** Whether {@code a} is no worse on score, memory and time and better on one, in the same comparison group. */
    private static boolean dominates(Verdict a, Verdict b) {
        if (!group(a).equals(group(b))) {
            return false;
        }
        double accA = a.configuration().orientedScore().getAsDouble();
        double accB = b.configuration().orientedScore().getAsDouble();
        double memA = a.memoryHigh().orElse(Double.MAX_VALUE);
        double memB = b.memoryHigh().orElse(Double.MAX_VALUE);
        double tA = a.timeHigh().orElse(Double.MAX_VALUE);
        double tB = b.timeHigh().orElse(Double.MAX_VALUE);
        boolean noWorse = accA >= accB && memA <= memB && tA <= tB;
        boolean better = accA > accB || memA < memB || tA < tB;
        return noWorse && better;
    }

    private static String reason(Verdict v, int rank, Budget budget) {
        List<String> parts = new ArrayList<>();
        TaskScore score = v.configuration().scoreKind().orElseThrow();
        parts.add(score.noun() + " " + score.format(score.estimate(v.configuration())) + (rank == 1 ? " (rank 1: best or CI-tied with it)" : " (rank " + rank + ")"));
        String est = budget.params().isPresent() ? " predicted" : "";
        v.memoryHigh().ifPresent(m -> parts.add("memory" + est + " " + bytes(m)
                + budget.maxMemoryBytes().stream().mapToObj(max -> " ≤ " + bytes(max)).findFirst().orElse("")));
        v.timeHigh().ifPresent(t -> parts.add("training time" + est + " " + seconds(t)
                + budget.maxTimeS().stream().mapToObj(max -> " ≤ " + seconds(max)).findFirst().orElse("")));
        if (!v.reason().isEmpty()) {
            parts.add(v.reason());
        }
        return String.join("; ", parts);
    }

    private static Verdict withReason(Verdict v, int rank, String reason) {
        return new Verdict(v.configuration(), rank, v.memoryBytes(), v.memoryHigh(), v.timeS(), v.timeHigh(), reason);
    }

    static String bytes(double b) {
        return b >= 1024.0 * 1024 * 1024 ? String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024))
                : String.format(Locale.ROOT, "%.0f MiB", b / (1024.0 * 1024));
    }

    static String seconds(double s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%.1f h", s / 3600) : s >= 120 ? String.format(Locale.ROOT, "%.1f min", s / 60)
                : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String count(double n) {
        return n >= 1e9 ? String.format(Locale.ROOT, "%.3gB", n / 1e9) : n >= 1e6 ? String.format(Locale.ROOT, "%.3gM", n / 1e6)
                : String.format(Locale.ROOT, "%,.0f", n);
    }

    /** Verdicts as terminal text: recommendations numbered, then the rest. */
    public static String render(List<Verdict> verdicts) {
        StringBuilder out = new StringBuilder();
        List<Verdict> recommended = verdicts.stream().filter(Verdict::recommended).toList();
        if (recommended.isEmpty()) {
            out.append("no measured method fits these limits\n");
        }
        for (Verdict v : recommended) {
            out.append(v.rank()).append(". ").append(v.configuration().label()).append(" — ").append(v.reason()).append('\n');
        }
        List<Verdict> rest = verdicts.stream().filter(v -> !v.recommended()).toList();
        if (!rest.isEmpty()) {
            out.append("\nnot recommended:\n");
            rest.forEach(v -> out.append("  ").append(v.configuration().label()).append(" — ").append(v.reason()).append('\n'));
        }
        return out.toString();
    }
}

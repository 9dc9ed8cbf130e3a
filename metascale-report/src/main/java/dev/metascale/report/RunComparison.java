package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.SampleSeries;
import dev.metascale.core.result.TrialResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Run B against run A, configuration by configuration (matched by {@code config_id}, else by label),
 * with significance, flagging regressions:
 * <ul>
 *   <li><b>accuracy</b>: B is lower and the difference is significant (p &lt; 0.05; paired t-test on
 *       the shared test episodes when both were scored on the same ones, else Welch — see
 *       {@link AccuracyComparison});</li>
 *   <li><b>iteration time</b>: B's per-iteration times are higher by more than
 *       {@link #NOISE} (5 %) of A's median <em>and</em> Welch's test on the raw
 *       {@code samples.iter_time_s} is significant; without samples, the medians alone must differ by
 *       more than {@link #NOISE_WITHOUT_SAMPLES} (15 %);</li>
 *   <li><b>peak memory</b>: B's mean {@code peak_rss_bytes} is higher by more than 5 % and, when both
 *       sides have two or more seeds, Welch's test across seeds is significant.</li>
 * </ul>
 */
public final class RunComparison {
    /** Relative increase of a cost below which it is taken as noise. */
    public static final double NOISE = 0.05;
    /** The same when only medians are known (no raw samples to test). */
    public static final double NOISE_WITHOUT_SAMPLES = 0.15;

    /**
     * One matched configuration.
     *
     * @param label        its label in B
     * @param matchedBy    {@code config_id} or {@code label}
     * @param accuracy     B − A accuracy (fraction) with its test; empty when untestable
     * @param iterTimeA    median iteration time in A, s
     * @param iterTimeB    the same in B
     * @param iterTime     B − A of the per-iteration times (Welch on raw samples); empty without samples
     * @param memoryA      mean peak RSS in A, bytes
     * @param memoryB      the same in B
     * @param regressions  what got worse beyond noise (empty: no regression)
     */
    public record Delta(String label, String matchedBy, Optional<MeanDifference> accuracy, OptionalDouble iterTimeA,
                        OptionalDouble iterTimeB, Optional<MeanDifference> iterTime, OptionalDouble memoryA, OptionalDouble memoryB,
                        List<String> regressions) {
    }

    private final List<Delta> deltas;
    private final List<String> onlyInA;
    private final List<String> onlyInB;

    private RunComparison(List<Delta> deltas, List<String> onlyInA, List<String> onlyInB) {
        this.deltas = List.copyOf(deltas);
        this.onlyInA = List.copyOf(onlyInA);
        this.onlyInB = List.copyOf(onlyInB);
    }

    public static RunComparison of(RunAnalysis a, RunAnalysis b) {
        List<Delta> deltas = new ArrayList<>();
        List<String> onlyInB = new ArrayList<>();
        List<ConfigurationSummary> unmatchedA = new ArrayList<>(a.configurations());
        for (ConfigurationSummary cb : b.configurations()) {
            ConfigurationSummary ca = unmatchedA.stream().filter(c -> c.configId().equals(cb.configId())).findFirst().orElse(null);
            String matchedBy = "config_id";
            if (ca == null) {
                ca = unmatchedA.stream().filter(c -> c.label().equals(cb.label())).findFirst().orElse(null);
                matchedBy = "label";
            }
            if (ca == null) {
                onlyInB.add(cb.label());
                continue;
            }
            unmatchedA.remove(ca);
            deltas.add(delta(a, ca, b, cb, matchedBy));
        }
        return new RunComparison(deltas, unmatchedA.stream().map(ConfigurationSummary::label).toList(), onlyInB);
    }

    public List<Delta> deltas() {
        return deltas;
    }

    /** Labels of configurations with results in A only (e.g. failed or not run in B). */
    public List<String> onlyInA() {
        return onlyInA;
    }

    public List<String> onlyInB() {
        return onlyInB;
    }

    public boolean hasRegression() {
        return deltas.stream().anyMatch(d -> !d.regressions().isEmpty());
    }

    private static Delta delta(RunAnalysis a, ConfigurationSummary ca, RunAnalysis b, ConfigurationSummary cb, String matchedBy) {
        List<TrialResult> ta = a.trials(ca.configId());
        List<TrialResult> tb = b.trials(cb.configId());
        List<String> regressions = new ArrayList<>();
        Optional<MeanDifference> accuracy = AccuracyComparison.compare(ta, tb);
        accuracy.filter(d -> d.delta() < 0 && d.significant()).ifPresent(d -> regressions.add(String.format(java.util.Locale.ROOT,
                "accuracy %+.1f pp (p %s, %s)", d.delta() * 100, ReportTable.pValue(d.pValue()), d.test())));

        Optional<MeanDifference> time = Optional.empty();
        double[] sa = iterSamples(ta);
        double[] sb = iterSamples(tb);
        if (sa.length >= 2 && sb.length >= 2) {
            time = Optional.of(MeanDifference.welch(sa, sb));
        }
        OptionalDouble timeA = ca.iterTimeS();
        OptionalDouble timeB = cb.iterTimeS();
        if (timeA.isPresent() && timeB.isPresent() && timeA.getAsDouble() > 0) {
            double rel = timeB.getAsDouble() / timeA.getAsDouble() - 1;
            boolean beyondNoise = time.isPresent() ? rel > NOISE && time.get().delta() > 0 && time.get().significant() : rel > NOISE_WITHOUT_SAMPLES;
            if (beyondNoise) {
                regressions.add(String.format(java.util.Locale.ROOT, "iteration time %+.0f %%", rel * 100));
            }
        }
        OptionalDouble memA = ca.peakRssBytes();
        OptionalDouble memB = cb.peakRssBytes();
        if (memA.isPresent() && memB.isPresent() && memA.getAsDouble() > 0) {
            double rel = memB.getAsDouble() / memA.getAsDouble() - 1;
            double[] ma = ta.stream().filter(t -> t.metric(Metric.PEAK_RSS_BYTES).isPresent()).mapToDouble(t -> t.metric(Metric.PEAK_RSS_BYTES).getAsDouble()).toArray();
            double[] mb = tb.stream().filter(t -> t.metric(Metric.PEAK_RSS_BYTES).isPresent()).mapToDouble(t -> t.metric(Metric.PEAK_RSS_BYTES).getAsDouble()).toArray();
            boolean significant = ma.length < 2 || mb.length < 2 || MeanDifference.welch(ma, mb).significant();
            if (rel > NOISE && significant) {
                regressions.add(String.format(java.util.Locale.ROOT, "peak memory %+.0f %%", rel * 100));
            }
        }
        return new Delta(cb.label(), matchedBy, accuracy, timeA, timeB, time, memA, memB, regressions);
    }

    private static double[] iterSamples(List<TrialResult> trials) {
        List<Double> all = new ArrayList<>();
        for (TrialResult t : trials) {
            JsonNode s = t.samples(SampleSeries.ITER_TIME_S).orElse(null);
            if (s != null && s.isArray()) {
                s.forEach(v -> all.add(v.asDouble()));
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A plain-text table of the deltas, regressions marked, for the terminal. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(java.util.Locale.ROOT, "%-34s %-22s %-24s %-22s %s%n", "configuration", "accuracy Δ (pp)", "iteration time A → B",
                "peak memory A → B", "verdict"));
        for (Delta d : deltas) {
            String acc = d.accuracy().map(x -> String.format(java.util.Locale.ROOT, "%+.1f ± %.1f p=%s", x.delta() * 100, x.ci95() * 100,
                    ReportTable.pValue(x.pValue()))).orElse("—");
            String time = d.iterTimeA().isPresent() && d.iterTimeB().isPresent()
                    ? DisplayFormat.number(d.iterTimeA().getAsDouble()) + " → " + DisplayFormat.number(d.iterTimeB().getAsDouble()) + " s" : "—";
            String mem = d.memoryA().isPresent() && d.memoryB().isPresent()
                    ? DisplayFormat.mib(d.memoryA()) + " → " + DisplayFormat.mib(d.memoryB()) + " MiB" : "—";
            String verdict = d.regressions().isEmpty() ? "ok" : "REGRESSION: " + String.join("; ", d.regressions());
            out.append(String.format(java.util.Locale.ROOT, "%-34s %-22s %-24s %-22s %s%n", d.label()
                    + ("label".equals(d.matchedBy()) ? " *" : ""), acc, time, mem, verdict));
        }
        if (deltas.stream().anyMatch(d -> "label".equals(d.matchedBy()))) {
            out.append("* matched by label: the configurations' ids differ (some hyperparameter or the code changed)\n");
        }
        onlyInA.forEach(l -> out.append("only in A (no ok result in B): ").append(l).append('\n'));
        onlyInB.forEach(l -> out.append("only in B: ").append(l).append('\n'));
        out.append(hasRegression() ? "regressions flagged\n" : "no regression\n");
        return out.toString();
    }

}

package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.env.HostCpu;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.SampleSeries;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.stats.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Run B against run A, configuration by configuration (matched by {@code config_id}, else by label),
 * with significance, flagging regressions only beyond a noise model measured on this kind of machine (an A/A
 * comparison of two identical runs must flag nothing):
 * <ul>
 *   <li><b>score</b> (accuracy, or a language model's perplexity: {@link TaskScore}): B is worse (lower accuracy,
 *       higher perplexity) and the difference is significant (p &lt; 0.05; over seeds when both sides have
 *       two or more, else paired on the shared test episodes — see {@link AccuracyComparison});</li>
 *   <li><b>iteration time</b>: judged only when the host was quiet during every trial of both sides
 *       ({@code host_other_cpus}, {@code cpu_steal_fraction} below {@link HostCpu}'s limits; a contaminated
 *       timing is listed as not judged). On a shared VM the time of identical iterations drifts with the physical
 *       host even when this guest is quiet, and the noise only ever adds time, so each trial is summarised by its
 *       fastest iteration (the minimum is the robust estimator of a timing under positive noise: Chen and Revels
 *       2016, "Robust benchmarking in noisy environments"). Whole processes still differ: identical quick-suite
 *       reruns on a quiet 2-core AMD EPYC VM had minima up to 1.19× apart (medians 1.35×), so the trial, not the
 *       iteration, is the unit. With two or more trials on each side (seeds or reruns) B is a regression when its
 *       minima are higher by more than {@link #TIME_NOISE} and Welch's test over the trials' minima is significant;
 *       with one trial on a side the process-to-process noise is not measured by the runs themselves, and B must be
 *       slower than the machine's measured floor {@link #TIME_NOISE_ONE_TRIAL} (a 20 % slowdown needs ≥ 2 trials
 *       per side to be told from noise). Without samples, the medians must differ by more than
 *       {@link #TIME_NOISE_WITHOUT_SAMPLES};</li>
 *   <li><b>peak memory</b>: the learner's own tensor peak ({@code peak_tensor_bytes}), which identical reruns
 *       reproduce to the byte, higher by more than {@link #NOISE} (5 %). The process's RSS is shown but never judged:
 *       identical reruns differed by up to 2× (allocator and JVM state), more than any effect it could show.</li>
 * </ul>
 */
public final class RunComparison {
    /** Relative increase of the tensor peak below which it is taken as noise. */
    public static final double NOISE = 0.05;
    /** Relative increase of the trials' fastest iterations below which it is taken as noise (tested over trials). */
    public static final double TIME_NOISE = 0.05;
    /**
     * The same with one trial on a side: above the largest difference of identical quiet reruns' minima measured on
     * this kind of machine (1.19× on a 2-core AMD EPYC VM, ten quick-suite reruns).
     */
    public static final double TIME_NOISE_ONE_TRIAL = 0.25;
    /** The same when only medians are known (no raw samples to test). */
    public static final double TIME_NOISE_WITHOUT_SAMPLES = 0.40;

    /**
     * One matched configuration.
     *
     * @param label        its label in B
     * @param matchedBy    {@code config_id} or {@code label}
     * @param score        what {@code accuracy} measures: accuracy, or a language model's perplexity
     * @param accuracy     B − A of the score (accuracy as a fraction, perplexity as it is) with its test; empty when untestable
     * @param iterTimeA    median iteration time in A, s
     * @param iterTimeB    the same in B
     * @param iterTime     B − A of the trials' minimum iteration times (Welch over trials); empty below two trials a side
     * @param tensorA      mean peak tensor bytes in A (the learner's own memory)
     * @param tensorB      the same in B
     * @param memoryA      mean peak RSS in A, bytes (host footprint: shown, not judged)
     * @param memoryB      the same in B
     * @param regressions  what got worse beyond noise (empty: no regression)
     * @param notJudged    what could not be judged, and why (e.g. a timing taken on a busy host)
     */
    public record Delta(String label, String matchedBy, TaskScore score, Optional<MeanDifference> accuracy, OptionalDouble iterTimeA,
                        OptionalDouble iterTimeB, Optional<MeanDifference> iterTime, OptionalDouble tensorA, OptionalDouble tensorB,
                        OptionalDouble memoryA, OptionalDouble memoryB, List<String> regressions, List<String> notJudged) {
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
        List<String> notJudged = new ArrayList<>();
        TaskScore score = cb.scoreKind().or(ca::scoreKind).orElse(TaskScore.ACCURACY);
        Optional<MeanDifference> accuracy = AccuracyComparison.compare(ta, tb, score);
        accuracy.filter(d -> score.oriented(d.delta()) < 0 && d.significant()).ifPresent(d -> regressions.add(score == TaskScore.ACCURACY
                ? String.format(Locale.ROOT, "accuracy %+.1f pp (p %s, %s)", d.delta() * 100, ReportTable.pValue(d.pValue()), d.describe())
                : String.format(Locale.ROOT, "perplexity %+.2f (p %s, %s)", d.delta(), ReportTable.pValue(d.pValue()), d.describe())));

        Optional<MeanDifference> time = Optional.empty();
        double[] sa = fastestIterations(ta);
        double[] sb = fastestIterations(tb);
        if (sa.length >= 2 && sb.length >= 2) {
            time = Optional.of(MeanDifference.welch(sa, sb).over("trials' fastest iterations"));
        }
        OptionalDouble timeA = ca.iterTimeS();
        OptionalDouble timeB = cb.iterTimeS();
        Optional<String> busy = busyHost(ta, "A").or(() -> busyHost(tb, "B"));
        if (timeA.isPresent() && timeB.isPresent() && timeA.getAsDouble() > 0) {
            boolean minima = sa.length >= 1 && sb.length >= 1;
            double rel = minima ? Statistics.mean(sb) / Statistics.mean(sa) - 1 : timeB.getAsDouble() / timeA.getAsDouble() - 1;
            boolean beyondNoise = time.isPresent() ? rel > TIME_NOISE && time.get().delta() > 0 && time.get().significant()
                    : rel > (minima ? TIME_NOISE_ONE_TRIAL : TIME_NOISE_WITHOUT_SAMPLES);
            if (busy.isPresent()) {
                notJudged.add(String.format(Locale.ROOT, "iteration time %+.0f %%: %s", rel * 100, busy.get()));
            } else if (beyondNoise) {
                regressions.add(String.format(Locale.ROOT, "iteration time %+.0f %% (%s)", rel * 100, time.isPresent()
                        ? "fastest iterations over " + time.get().n() + "+ trials, p " + ReportTable.pValue(time.get().pValue())
                        : minima ? "fastest iteration, one trial a side, beyond the " + Math.round(TIME_NOISE_ONE_TRIAL * 100) + " % floor"
                        : "medians"));
            }
        }
        OptionalDouble tensorA = ca.peakTensorBytes();
        OptionalDouble tensorB = cb.peakTensorBytes();
        if (tensorA.isPresent() && tensorB.isPresent() && tensorA.getAsDouble() > 0) {
            double rel = tensorB.getAsDouble() / tensorA.getAsDouble() - 1;
            double[] ma = values(ta, Metric.PEAK_TENSOR_BYTES);
            double[] mb = values(tb, Metric.PEAK_TENSOR_BYTES);
            boolean varies = ma.length >= 2 && mb.length >= 2 && (Statistics.std(ma) > 0 || Statistics.std(mb) > 0);
            boolean significant = !varies || MeanDifference.welch(ma, mb).significant();
            if (rel > NOISE && significant) {
                regressions.add(String.format(Locale.ROOT, "peak tensor memory %+.0f %%", rel * 100));
            }
        }
        return new Delta(cb.label(), matchedBy, score, accuracy, timeA, timeB, time, tensorA, tensorB, ca.peakRssBytes(), cb.peakRssBytes(),
                regressions, notJudged);
    }

    /**
     * Why a side's timings are not measurements of its configuration: another process held the cores or the
     * hypervisor stole them during a trial. A data-parallel trial's other ranks on the machine are allowed for.
     */
    static Optional<String> busyHost(List<TrialResult> trials, String side) {
        for (TrialResult t : trials) {
            OptionalDouble other = t.metric(Metric.HOST_OTHER_CPUS);
            OptionalDouble busy = t.metric(Metric.HOST_BUSY_CPUS);
            OptionalDouble steal = t.metric(Metric.CPU_STEAL_FRACTION);
            if (other.isPresent() && busy.isPresent()) {
                double own = busy.getAsDouble() - other.getAsDouble();
                double allowed = HostCpu.CONTAMINATED_OTHER_CPUS + (Math.max(1, t.spec().techniques().worldSize()) - 1) * own;
                if (other.getAsDouble() > allowed) {
                    return Optional.of(String.format(Locale.ROOT, "not judged, the host was busy during %s's seed %d (other processes"
                            + " used %.2f CPUs on average)", side, t.spec().seed(), other.getAsDouble()));
                }
            }
            if (steal.isPresent() && steal.getAsDouble() > HostCpu.CONTAMINATED_STEAL) {
                return Optional.of(String.format(Locale.ROOT, "not judged, the hypervisor stole %.0f %% of the CPU time during %s's seed %d",
                        steal.getAsDouble() * 100, side, t.spec().seed()));
            }
        }
        return Optional.empty();
    }

    /** Each trial's fastest timed iteration (trials without samples left out). */
    static double[] fastestIterations(List<TrialResult> trials) {
        List<Double> out = new ArrayList<>();
        for (TrialResult t : trials) {
            JsonNode s = t.samples(SampleSeries.ITER_TIME_S).orElse(null);
            if (s == null || !s.isArray() || s.isEmpty()) {
                continue;
            }
            double min = Double.POSITIVE_INFINITY;
            for (JsonNode v : s) {
                min = Math.min(min, v.asDouble());
            }
            out.add(min);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] values(List<TrialResult> trials, Metric metric) {
        return trials.stream().filter(t -> t.metric(metric).isPresent()).mapToDouble(t -> t.metric(metric).getAsDouble()).toArray();
    }

    /** A plain-text table of the deltas, regressions marked, for the terminal. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-34s %-22s %-24s %-22s %-22s %s%n", "configuration", "score Δ (pp | ppl)", "iteration time A → B",
                "peak tensors A → B", "peak RSS A → B", "verdict"));
        for (Delta d : deltas) {
            String acc = d.accuracy().map(x -> d.score() == TaskScore.ACCURACY
                    ? String.format(Locale.ROOT, "%+.1f ± %.1f p=%s", x.delta() * 100, x.ci95() * 100, ReportTable.pValue(x.pValue()))
                    : String.format(Locale.ROOT, "ppl %+.2f ± %.2f p=%s", x.delta(), x.ci95(), ReportTable.pValue(x.pValue()))).orElse("—");
            String time = d.iterTimeA().isPresent() && d.iterTimeB().isPresent()
                    ? DisplayFormat.number(d.iterTimeA().getAsDouble()) + " → " + DisplayFormat.number(d.iterTimeB().getAsDouble()) + " s" : "—";
            String tensors = d.tensorA().isPresent() && d.tensorB().isPresent()
                    ? DisplayFormat.mib(d.tensorA()) + " → " + DisplayFormat.mib(d.tensorB()) + " MiB" : "—";
            String mem = d.memoryA().isPresent() && d.memoryB().isPresent()
                    ? DisplayFormat.mib(d.memoryA()) + " → " + DisplayFormat.mib(d.memoryB()) + " MiB" : "—";
            String verdict = d.regressions().isEmpty() ? "ok" : "REGRESSION: " + String.join("; ", d.regressions());
            if (!d.notJudged().isEmpty()) {
                verdict += " (" + String.join("; ", d.notJudged()) + ")";
            }
            out.append(String.format(Locale.ROOT, "%-34s %-22s %-24s %-22s %-22s %s%n", d.label()
                    + ("label".equals(d.matchedBy()) ? " *" : ""), acc, time, tensors, mem, verdict));
        }
        if (deltas.stream().anyMatch(d -> "label".equals(d.matchedBy()))) {
            out.append("* matched by label: the configurations' ids differ (some hyperparameter or the code changed)\n");
        }
        out.append("peak RSS is the host footprint, shown and not judged (identical reruns differ by up to 2×); memory is judged on the"
                + " learner's own tensor peak\n");
        onlyInA.forEach(l -> out.append("only in A (no ok result in B): ").append(l).append('\n'));
        onlyInB.forEach(l -> out.append("only in B: ").append(l).append('\n'));
        out.append(hasRegression() ? "regressions flagged\n" : "no regression\n");
        return out.toString();
    }

}

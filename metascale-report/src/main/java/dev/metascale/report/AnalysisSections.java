package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.SampleSeries;
import dev.metascale.core.result.TrialResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Builds the report's analysis sections from a run: model scaling (log-log with fitted power-law
 * exponents), task scaling, device scaling (ideal line, speedup, efficiency, communication
 * fraction), operator profiles and per-iteration time traces. A section without data carries one
 * line saying what to run.
 */
public final class AnalysisSections {
    /** Iteration-time traces drawn at most (the first seed of each configuration). */
    private static final int MAX_TRACES = 7;
    /** Operators listed per configuration. */
    private static final int TOP_OPS = 8;

    private AnalysisSections() {
    }

    /** Every analysis section, in report order. */
    public static List<ReportSection> of(RunAnalysis analysis) {
        return List.of(TuningSection.of(analysis), DomainSection.of(analysis), LearningCurveSection.of(analysis), fidelity(analysis), modelScaling(analysis), taskScaling(analysis), deviceScaling(analysis), profiles(analysis),
                traces(analysis));
    }

    /**
     * The approximations ranked by how closely their outer update follows the exact second-order MAML meta-gradient,
     * beside their accuracy, time and memory: what each approximation trades for its cost.
     */
    static ReportSection fidelity(RunAnalysis analysis) {
        String title = "Meta-gradient fidelity";
        List<ConfigurationSummary> measured = new ArrayList<>(analysis.configurations().stream()
                .filter(c -> c.metagradCosine().isPresent()).toList());
        if (measured.isEmpty()) {
            return ReportSection.absent("fidelity", title, "No trial measured its meta-gradient against exact MAML: run maml, fomaml,"
                    + " reptile, imaml or anil in one process (data-parallel trials and ProtoNet/baselines record why not).");
        }
        measured.sort(java.util.Comparator.comparingDouble((ConfigurationSummary c) -> c.metagradCosine().getAsDouble()).reversed());
        List<List<String>> rows = new ArrayList<>();
        for (ConfigurationSummary c : measured) {
            rows.add(List.of(c.label(), String.format(Locale.ROOT, "%.4f", c.metagradCosine().getAsDouble()),
                    c.metagradRelError().isPresent() ? String.format(Locale.ROOT, "%.3f", c.metagradRelError().getAsDouble())
                            : DisplayFormat.ABSENT,
                    TaskScore.text(c), DisplayFormat.number(c.iterTimeS()), DisplayFormat.mib(c.peakTensorBytes())));
        }
        ReportTable table = new ReportTable(List.of("Configuration", "Cosine to exact MAML (mean)", "Relative error (mean)",
                measured.stream().allMatch(c -> c.perplexity().isEmpty()) ? "Accuracy (mean ± 95 % CI)"
                        : "Accuracy or perplexity (mean ± 95 % CI)", "Iteration time, median (s)", "Peak tensor memory (MiB)"),
                List.of(false, true, true, true, true, true), rows);
        String sentence = "The exact reference is second-order MAML on the same tasks at the same parameters (float32, no"
                + " technique), at the middle, three-quarter and last iterations; cosine 1 and error 0 mean the update is"
                + " MAML's. Reptile's update is a direction only (no relative error).";
        return new ReportSection("fidelity", title, List.of(sentence), List.of(), List.of(table), null);
    }

    /** A cost of a configuration, for scaling charts. */
    private record Measure(String name, String unit, String file, Function<ConfigurationSummary, OptionalDouble> value) {
    }

    private static final Measure TIME = new Measure("iteration time", "s", "time", ConfigurationSummary::iterTimeS);
    private static final Measure MEMORY = new Measure("peak tensor memory", "MiB", "memory", ConfigurationSummary::peakTensorMib);
    private static final Measure ACCURACY = new Measure("accuracy", "%", "accuracy",
            c -> c.accuracy().map(a -> OptionalDouble.of(a.mean() * 100)).orElse(OptionalDouble.empty()));

    static ReportSection modelScaling(RunAnalysis analysis) {
        List<ScalingAxis.Group> groups = ScalingAxis.MODEL.groups(analysis.configurations());
        String title = "Model scaling";
        if (groups.isEmpty()) {
            return ReportSection.absent("model-scaling", title, "No method was run at two or more model sizes: sweep "
                    + ScalingAxis.MODEL.sweepKey() + " (e.g. `sweep: {model.channels: [16, 32, 64]}`) to fit how time, memory and accuracy grow with parameters.");
        }
        List<String> sentences = new ArrayList<>();
        List<ChartImage> charts = new ArrayList<>();
        for (Measure m : List.of(TIME, MEMORY, ACCURACY)) {
            List<SeriesChart.Series> series = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                ScalingAxis.Group group = groups.get(g);
                double[] y = values(group, m);
                series.add(new SeriesChart.Series(group.name(), group.x(), y, false, g));
                try {
                    PowerLawFit fit = PowerLawFit.fit(group.x(), y);
                    double[] fx = {group.x()[0], group.x()[group.x().length - 1]};
                    series.add(new SeriesChart.Series(group.name() + " fit: ∝ N^" + fmt(fit.exponent()), fx,
                            new double[]{fit.predict(fx[0]), fit.predict(fx[1])}, true, g));
                    sentences.add(group.name() + ": " + m.name() + " ∝ parameters^" + exponentText(fit));
                } catch (IllegalArgumentException notEnough) {
                    sentences.add(group.name() + ": " + m.name() + " not fitted (" + notEnough.getMessage() + ")");
                }
            }
            if (series.stream().anyMatch(s -> s.y().length > 0 && java.util.Arrays.stream(s.y()).anyMatch(Double::isFinite))) {
                charts.add(ChartImage.render("model-scaling-" + m.file(), SeriesChart.create(new SeriesChart.Layout(
                        "Model scaling: " + m.name(), "log-log; dashed: fitted power law a·N^b", "parameters N",
                        m.name() + " (" + m.unit() + ")", true, true), series)));
            }
        }
        return new ReportSection("model-scaling", title, sentences, charts, List.of(), null);
    }

    static ReportSection taskScaling(RunAnalysis analysis) {
        List<ChartImage> charts = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        for (ScalingAxis axis : List.of(ScalingAxis.META_BATCH, ScalingAxis.WAYS, ScalingAxis.SHOTS, ScalingAxis.QUERY)) {
            List<ScalingAxis.Group> groups = axis.groups(analysis.configurations());
            if (groups.isEmpty()) {
                continue;
            }
            for (Measure m : List.of(TIME, MEMORY)) {
                List<SeriesChart.Series> series = new ArrayList<>();
                for (int g = 0; g < groups.size(); g++) {
                    ScalingAxis.Group group = groups.get(g);
                    double[] y = values(group, m);
                    series.add(new SeriesChart.Series(group.name(), group.x(), y, false, g));
                    try {
                        PowerLawFit fit = PowerLawFit.fit(group.x(), y);
                        sentences.add(group.name() + ": " + m.name() + " ∝ " + axis.sweepKey() + "^" + exponentText(fit));
                    } catch (IllegalArgumentException ignored) {
                        // a curve without two measured points gets no fitted exponent
                    }
                }
                String stem = axis.name().toLowerCase(Locale.ROOT).replace('_', '-');
                charts.add(ChartImage.render("task-scaling-" + stem + "-" + m.file(), SeriesChart.create(new SeriesChart.Layout(
                        "Task scaling: " + m.name() + " vs " + axis.sweepKey(), "", axis.label(), m.name() + " (" + m.unit() + ")",
                        false, true), series)));
            }
        }
        if (charts.isEmpty()) {
            return ReportSection.absent("task-scaling", "Task scaling", "No method was run at two or more task sizes: sweep "
                    + "algorithm.meta_batch, sampler.ways, sampler.shots or sampler.query (e.g. `sweep: {sampler.shots: [1, 5, 10]}`).");
        }
        return new ReportSection("task-scaling", "Task scaling", sentences, charts, List.of(), null);
    }

    static ReportSection deviceScaling(RunAnalysis analysis) {
        List<ScalingAxis.Group> groups = ScalingAxis.WORLD_SIZE.groups(analysis.configurations());
        String title = "Device scaling";
        if (groups.isEmpty()) {
            return ReportSection.absent("device-scaling", title, "No method was run on two or more ranks: sweep "
                    + "techniques.world_size (e.g. `sweep: {techniques.world_size: [1, 2, 4]}`, with techniques.scaling strong or weak).");
        }
        List<SeriesChart.Series> time = new ArrayList<>();
        List<SeriesChart.Series> efficiency = new ArrayList<>();
        List<SeriesChart.Series> comm = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            ScalingAxis.Group group = groups.get(g);
            double[] t = values(group, TIME);
            double n0 = group.x()[0];
            double t0 = t[0];
            boolean weak = "weak".equals(group.points().get(0).spec().techniques().scaling());
            double[] ideal = new double[t.length];
            double[] eff = new double[t.length];
            double[] commFraction = new double[t.length];
            boolean anyComm = false;
            for (int i = 0; i < t.length; i++) {
                double ratio = group.x()[i] / n0;
                ideal[i] = weak ? t0 : t0 / ratio;
                double speedup = weak ? ratio * t0 / t[i] : t0 / t[i];
                eff[i] = speedup / ratio;
                ConfigurationSummary c = group.points().get(i);
                OptionalDouble cf = analysis.metric(c, Metric.COMM_FRACTION);
                commFraction[i] = cf.orElse(Double.NaN);
                anyComm |= cf.isPresent();
                rows.add(List.of(group.name(), String.valueOf(Math.round(group.x()[i])), DisplayFormat.number(t[i]),
                        Double.isFinite(speedup) ? fmt(speedup) + "×" : DisplayFormat.ABSENT,
                        Double.isFinite(eff[i]) ? DisplayFormat.percent(eff[i]) + " %" : DisplayFormat.ABSENT,
                        cf.isPresent() ? DisplayFormat.percent(cf.getAsDouble()) + " %" : DisplayFormat.ABSENT,
                        analysis.metric(c, Metric.COMM_BYTES).isPresent() ? DisplayFormat.mib(analysis.metric(c, Metric.COMM_BYTES)) : DisplayFormat.ABSENT));
            }
            time.add(new SeriesChart.Series(group.name(), group.x(), t, false, g));
            time.add(new SeriesChart.Series(group.name() + " ideal", group.x(), ideal, true, g));
            efficiency.add(new SeriesChart.Series(group.name(), group.x(), percent(eff), false, g));
            if (anyComm) {
                comm.add(new SeriesChart.Series(group.name(), group.x(), percent(commFraction), false, g));
            }
            int last = t.length - 1;
            sentences.add(String.format(Locale.ROOT, "%s (%s scaling): %s ranks → %s of ideal efficiency", group.name(),
                    weak ? "weak" : "strong", String.valueOf(Math.round(group.x()[last])), DisplayFormat.percent(eff[last]) + " %"));
        }
        List<ChartImage> charts = new ArrayList<>();
        charts.add(ChartImage.render("device-scaling-time", SeriesChart.create(new SeriesChart.Layout("Device scaling: iteration time",
                "dashed: ideal (strong: T₁/N, weak: T₁)", "ranks N", "iteration time (s)", true, true), time)));
        charts.add(ChartImage.render("device-scaling-efficiency", SeriesChart.create(new SeriesChart.Layout("Device scaling: efficiency",
                "strong: T₁/(N·T_N), weak: T₁/T_N", "ranks N", "parallel efficiency (%)", false, true), efficiency)));
        if (!comm.isEmpty()) {
            charts.add(ChartImage.render("device-scaling-comm", SeriesChart.create(new SeriesChart.Layout("Communication fraction",
                    "share of iteration time waiting in collectives", "ranks N", "comm_fraction (%)", false, true), comm)));
        } else {
            sentences.add("No communication was measured (comm_time_s, comm_bytes, comm_fraction absent): the communication chart is omitted.");
        }
        ReportTable table = new ReportTable(List.of("Method", "Ranks", "Iteration time (s)", "Speedup", "Efficiency", "Comm. fraction", "Comm. volume (MiB)"),
                List.of(false, true, true, true, true, true, true), rows);
        return new ReportSection("device-scaling", title, sentences, charts, List.of(table), null);
    }

    static ReportSection profiles(RunAnalysis analysis) {
        List<ReportTable> tables = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        for (ConfigurationSummary c : analysis.configurations()) {
            JsonNode profile = null;
            for (TrialResult t : analysis.trials(c.configId())) {
                if (t.value(Metric.PROFILE).map(p -> p.path("ops").isArray()).orElse(false)) {
                    profile = t.value(Metric.PROFILE).get();
                    break;
                }
            }
            if (profile == null) {
                continue;
            }
            List<JsonNode> ops = new ArrayList<>();
            profile.get("ops").forEach(ops::add);
            double totalSelf = ops.stream().mapToDouble(o -> o.path("self_time_s").asDouble(0)).sum();
            ops.sort((a, b) -> Double.compare(b.path("self_time_s").asDouble(0), a.path("self_time_s").asDouble(0)));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode op : ops.subList(0, Math.min(TOP_OPS, ops.size()))) {
                double self = op.path("self_time_s").asDouble(0);
                rows.add(List.of(op.path("name").asText("?"), String.valueOf(op.path("calls").asLong(0)), DisplayFormat.number(self),
                        totalSelf > 0 ? DisplayFormat.percent(self / totalSelf) + " %" : DisplayFormat.ABSENT,
                        op.has("alloc_bytes") ? DisplayFormat.mib(OptionalDouble.of(op.get("alloc_bytes").asDouble())) : DisplayFormat.ABSENT,
                        op.has("flops") ? DisplayFormat.number(op.get("flops").asDouble() / 1e9) : DisplayFormat.ABSENT));
            }
            tables.add(new ReportTable(List.of(c.label() + ": operator", "Calls", "Self time (s)", "Share of self time",
                    "Allocated (MiB)", "GFLOP"), List.of(false, true, true, true, true, true), rows));
            if (!ops.isEmpty() && totalSelf > 0) {
                sentences.add(String.format(Locale.ROOT, "%s: %s takes %s %% of profiled self time over %d iterations", c.label(),
                        ops.get(0).path("name").asText("?"), DisplayFormat.percent(ops.get(0).path("self_time_s").asDouble() / totalSelf),
                        profile.path("window_iterations").asInt()));
            }
        }
        if (tables.isEmpty()) {
            return ReportSection.absent("profiles", "Operator profiles", "No trial recorded metrics.profile: run a suite with the "
                    + "operator profiler on to see the top operators by time and memory per method.");
        }
        return new ReportSection("profiles", "Operator profiles", sentences, List.of(), tables, null);
    }

    static ReportSection traces(RunAnalysis analysis) {
        List<SeriesChart.Series> series = new ArrayList<>();
        for (ConfigurationSummary c : analysis.configurations()) {
            if (series.size() == MAX_TRACES) {
                break;
            }
            for (TrialResult t : analysis.trials(c.configId())) {
                JsonNode samples = t.samples(SampleSeries.ITER_TIME_S).orElse(null);
                if (samples != null && samples.isArray() && samples.size() > 1) {
                    double[] x = new double[samples.size()];
                    double[] y = new double[samples.size()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = i + 1;
                        y[i] = samples.get(i).asDouble() * 1000;
                    }
                    series.add(new SeriesChart.Series(c.label() + " (seed " + t.spec().seed() + ")", x, y, false, series.size()));
                    break;
                }
            }
        }
        if (series.isEmpty()) {
            return ReportSection.absent("traces", "Per-iteration time", "No trial kept samples.iter_time_s: re-run with the current worker to record every timed iteration.");
        }
        ChartImage chart = ChartImage.render("iteration-time-trace", SeriesChart.create(new SeriesChart.Layout(
                "Per-iteration time", "every timed meta-iteration (warm-up excluded), first seed of each configuration",
                "timed iteration", "iteration time (ms)", false, false), series));
        return new ReportSection("traces", "Per-iteration time", List.of(
                "Spikes and drifts show warm-up left in the timings, garbage collection or interference from other processes."),
                List.of(chart), List.of(), null);
    }

    private static double[] values(ScalingAxis.Group group, Measure m) {
        return group.points().stream().mapToDouble(c -> m.value().apply(c).orElse(Double.NaN)).toArray();
    }

    private static double[] percent(double[] fractions) {
        double[] out = new double[fractions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = fractions[i] * 100;
        }
        return out;
    }

    static String exponentText(PowerLawFit fit) {
        String ci = Double.isFinite(fit.exponentCi95()) ? " ± " + fmt(fit.exponentCi95()) : " (2 points: no interval)";
        return fmt(fit.exponent()) + ci + String.format(Locale.ROOT, ", R² %.3f over %d sizes", fit.rSquared(), fit.n());
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}

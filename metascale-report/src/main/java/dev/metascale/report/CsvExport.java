package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.TrialResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code results.csv}: one row per trial record (ok and failed), RFC 4180 quoting. Columns: the
 * trial's identity and status, the main spec fields, the error, then every scalar metric and, per
 * distribution metric, its {@code _mean}, {@code _ci95} and {@code _median}. A metric column no
 * record has is left out; a cell whose trial did not measure it is empty.
 */
public final class CsvExport {
    /** Schema order of the known metrics; unknown ones follow alphabetically. */
    private static final List<String> METRIC_ORDER = java.util.stream.Stream.of(Metric.ACCURACY, Metric.F1_MACRO,
            Metric.PERPLEXITY, Metric.ITER_TIME_S, Metric.TRAIN_TIME_S, Metric.EVAL_TIME_S, Metric.THROUGHPUT_TASKS_PER_S,
            Metric.THROUGHPUT_SAMPLES_PER_S, Metric.FLOPS_PER_ITER, Metric.FLOPS_TOTAL, Metric.ACHIEVED_FLOPS_PER_S, Metric.MFU,
            Metric.PEAK_RSS_BYTES, Metric.PEAK_RSS_EVAL_BYTES, Metric.PEAK_TENSOR_BYTES, Metric.PEAK_DEVICE_BYTES,
            Metric.COMM_TIME_S, Metric.COMM_BYTES, Metric.COMM_FRACTION).map(Metric::key).toList();
    private static final List<String> DISTRIBUTION_FIELDS = List.of("mean", "ci95", "median");

    private CsvExport() {
    }

    public static String render(RunAnalysis analysis) {
        Map<String, Function<TrialResult, String>> columns = new LinkedHashMap<>();
        columns.put("trial_id", TrialResult::trialId);
        columns.put("config_id", TrialResult::configId);
        columns.put("status", TrialResult::status);
        columns.put("label", r -> analysis.label(r.configId()));
        columns.put("seed", r -> String.valueOf(r.spec().seed()));
        specColumns(columns);
        columns.put("error_kind", r -> r.error() == null ? "" : nullToEmpty(r.error().kind()));
        columns.put("error_message", r -> r.error() == null ? "" : nullToEmpty(r.error().message()));
        columns.put("wall_time_s", r -> String.valueOf(r.wallTimeS()));
        metricColumns(analysis.records(), columns);

        StringBuilder csv = new StringBuilder();
        csv.append(String.join(",", columns.keySet().stream().map(CsvExport::quote).toList())).append("\r\n");
        for (TrialResult r : analysis.records()) {
            List<String> cells = new ArrayList<>();
            columns.values().forEach(f -> cells.add(quote(nullToEmpty(f.apply(r)))));
            csv.append(String.join(",", cells)).append("\r\n");
        }
        return csv.toString();
    }

    private static void specColumns(Map<String, Function<TrialResult, String>> c) {
        c.put("suite", r -> r.spec().suite());
        c.put("dataset", r -> r.spec().dataset());
        c.put("sampler", r -> r.spec().sampler().kind());
        c.put("ways", r -> String.valueOf(r.spec().sampler().ways()));
        c.put("shots", r -> String.valueOf(r.spec().sampler().shots()));
        c.put("query", r -> String.valueOf(r.spec().sampler().query()));
        c.put("model", r -> r.spec().model().label());
        c.put("arch", r -> r.spec().model().arch());
        c.put("algorithm", r -> r.spec().algorithm().name());
        c.put("inner_lr", r -> String.valueOf(r.spec().algorithm().innerLr()));
        c.put("inner_steps", r -> String.valueOf(r.spec().algorithm().innerSteps()));
        c.put("eval_inner_steps", r -> String.valueOf(r.spec().algorithm().evalInnerSteps()));
        c.put("outer_lr", r -> String.valueOf(r.spec().algorithm().outerLr()));
        c.put("meta_batch", r -> String.valueOf(r.spec().algorithm().metaBatch()));
        c.put("iterations", r -> String.valueOf(r.spec().train().iterations()));
        c.put("warmup", r -> String.valueOf(r.spec().train().warmup()));
        c.put("eval_episodes", r -> String.valueOf(r.spec().eval().episodes()));
        c.put("eval_seed", r -> String.valueOf(r.spec().eval().seed()));
        c.put("precision", r -> r.spec().techniques().precision());
        c.put("checkpointing", r -> String.valueOf(r.spec().techniques().checkpointing()));
        c.put("world_size", r -> String.valueOf(r.spec().techniques().worldSize()));
        c.put("parallel_tasks", r -> String.valueOf(r.spec().techniques().parallelTasks()));
        c.put("overlap_allreduce", r -> String.valueOf(r.spec().techniques().overlapAllreduce()));
    }

    private static void metricColumns(List<TrialResult> records, Map<String, Function<TrialResult, String>> columns) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> unknown = new TreeSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (TrialResult r : records) {
            if (r.metrics() != null) {
                r.metrics().fieldNames().forEachRemaining(seen::add);
            }
        }
        for (String known : METRIC_ORDER) {
            if (seen.contains(known)) {
                names.add(known);
            }
        }
        for (String name : seen) {
            if (!METRIC_ORDER.contains(name)) {
                unknown.add(name);
            }
        }
        names.addAll(unknown);
        for (String name : names) {
            boolean scalar = records.stream().anyMatch(r -> r.metrics() != null && r.metrics().path(name).isNumber());
            if (scalar) {
                columns.put(name, r -> numberText(r.metrics() == null ? null : r.metrics().get(name)));
            }
            for (String field : DISTRIBUTION_FIELDS) {
                boolean present = records.stream().anyMatch(r -> r.metrics() != null && r.metrics().path(name).path(field).isNumber());
                if (present) {
                    columns.put(name + "_" + field, r -> numberText(r.metrics() == null ? null : r.metrics().path(name).get(field)));
                }
            }
        }
    }

    private static String numberText(JsonNode node) {
        return node != null && node.isNumber() ? node.asText() : "";
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled. */
    static String quote(String cell) {
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
            return "\"" + cell.replace("\"", "\"\"") + "\"";
        }
        return cell;
    }
}

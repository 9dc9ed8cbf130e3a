package dev.metascale.core.result;

import dev.metascale.core.json.Json;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.spec.TrialSpec;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One line of {@code results.jsonl}: the outcome of one trial. The format is documented in
 * {@code docs/results-schema.md}; {@link #SCHEMA} versions it.
 *
 * @param schema     always {@link #SCHEMA}
 * @param trialId    {@link TrialSpec#id()}
 * @param configId   {@link TrialSpec#configId()}: shared by the seeds of one configuration
 * @param status     {@code ok} or {@code failed}
 * @param error      why it failed; null when ok
 * @param spec       the resolved trial spec
 * @param dataset    identity of the data actually used: name, version, content hash, sizes
 * @param env        hardware, software and settings of the worker
 * @param metrics    measured values, names as in the schema; a missing name was not measured
 * @param samples    raw samples behind the distributions (per-iteration times, per-episode scores)
 * @param startedAt  ISO-8601 instant the worker was started
 * @param finishedAt ISO-8601 instant the record was made
 * @param wallTimeS  seconds from worker start to the record, start-up included
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "trial_id", "config_id", "status", "error", "spec", "dataset", "env", "metrics", "samples",
        "started_at", "finished_at", "wall_time_s"})
public record TrialResult(
        String schema,
        String trialId,
        String configId,
        String status,
        ErrorInfo error,
        TrialSpec spec,
        ObjectNode dataset,
        ObjectNode env,
        ObjectNode metrics,
        ObjectNode samples,
        String startedAt,
        String finishedAt,
        double wallTimeS) {

    public static final String SCHEMA = "metascale.trial/1";
    public static final String OK = "ok";
    public static final String FAILED = "failed";

    public static TrialResult ok(TrialSpec spec, ObjectNode dataset, ObjectNode env, ObjectNode metrics, ObjectNode samples,
                                 String startedAt, String finishedAt, double wallTimeS) {
        return new TrialResult(SCHEMA, spec.id(), spec.configId(), OK, null, spec, dataset, env, metrics, samples,
                startedAt, finishedAt, wallTimeS);
    }

    public static TrialResult failed(TrialSpec spec, ErrorInfo error, ObjectNode env, String startedAt, String finishedAt,
                                     double wallTimeS) {
        return new TrialResult(SCHEMA, spec.id(), spec.configId(), FAILED, error, spec, null, env, null, null,
                startedAt, finishedAt, wallTimeS);
    }

    @JsonIgnore
    public boolean isOk() {
        return OK.equals(status);
    }

    /** A scalar metric such as {@link Metric#TRAIN_TIME_S}, or for a distribution its mean. */
    public OptionalDouble metric(Metric metric) {
        return metric(metric.key());
    }

    /** A distribution metric ({@code {mean, std, ci95, n, ...}}) such as {@link Metric#ACCURACY}. */
    public Optional<JsonNode> distribution(Metric metric) {
        return distribution(metric.key());
    }

    /** The value recorded under {@code metric} (an object, text or number); empty when it was not measured. */
    public Optional<JsonNode> value(Metric metric) {
        return metrics == null || !metrics.has(metric.key()) ? Optional.empty() : Optional.of(metrics.get(metric.key()));
    }

    /** The raw samples of {@code series}; empty when the record has none. */
    public Optional<JsonNode> samples(SampleSeries series) {
        return samples == null || !samples.has(series.key()) ? Optional.empty() : Optional.of(samples.get(series.key()));
    }

    /**
     * A scalar metric by its record name, or for a distribution its mean.
     *
     * @throws IllegalArgumentException for a name that is not a {@link Metric} (a typo would otherwise read as "absent")
     */
    public OptionalDouble metric(String name) {
        known(name);
        if (metrics == null || !metrics.has(name)) {
            return OptionalDouble.empty();
        }
        JsonNode node = metrics.get(name);
        if (node.isNumber()) {
            return OptionalDouble.of(node.asDouble());
        }
        if (node.isObject() && node.has("mean")) {
            return OptionalDouble.of(node.get("mean").asDouble());
        }
        return OptionalDouble.empty();
    }

    /** A distribution metric ({@code {mean, std, ci95, n, ...}}) such as {@code accuracy}. */
    public Optional<JsonNode> distribution(String name) {
        known(name);
        if (metrics == null || !metrics.has(name) || !metrics.get(name).isObject()) {
            return Optional.empty();
        }
        return Optional.of(metrics.get(name));
    }

    private static void known(String name) {
        if (Metric.byKey(name).isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' is not a metric of the trial record (see Metric and"
                    + " docs/results-schema.md)");
        }
    }

    public String toJsonLine() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise trial result " + trialId, e);
        }
    }

    /**
     * Refuses a parsed line this version cannot read: schema other than {@link #SCHEMA}, no trial id, an unknown status,
     * or no spec (which every reader — report, compare, advise — groups by). {@link ResultStore#readAll} skips such a
     * line with the reason instead of failing later.
     */
    private static TrialResult readable(TrialResult r) {
        if (!SCHEMA.equals(r.schema)) {
            throw new IllegalArgumentException(r.schema == null ? "the record names no schema (expected " + SCHEMA + ")"
                    : "the record is of schema " + r.schema + ", which this metascale (" + SCHEMA + ") cannot read: use the"
                    + " metascale version that wrote it");
        }
        if (r.trialId == null || r.trialId.isBlank()) {
            throw new IllegalArgumentException("the record has no trial_id");
        }
        if (!OK.equals(r.status) && !FAILED.equals(r.status)) {
            throw new IllegalArgumentException("the record's status is " + r.status + ", not " + OK + " or " + FAILED);
        }
        if (r.spec == null) {
            throw new IllegalArgumentException("the record of trial " + r.trialId + " has no spec");
        }
        return r;
    }

    /** Parses one line of {@code results.jsonl}; see {@link #readable}. */
    public static TrialResult fromJsonLine(String line) {
        try {
            return readable(Json.MAPPER.readValue(line, TrialResult.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a trial record: " + e.getOriginalMessage(), e);
        }
    }
}

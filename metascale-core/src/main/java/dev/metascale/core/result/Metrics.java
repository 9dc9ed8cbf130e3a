package dev.metascale.core.result;

import dev.metascale.core.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code metrics} of a trial record as the worker writes them: only {@link Metric} names, each with a value of
 * its {@link Metric.Kind}. A measurement that was not made is left out (never written as 0).
 */
public final class Metrics {
    private final ObjectNode node;

    private Metrics(ObjectNode node) {
        this.node = node;
    }

    public static Metrics create() {
        return new Metrics(Json.MAPPER.createObjectNode());
    }

    /** A number, written as its type is (an integer stays an integer). */
    public Metrics put(Metric metric, Number value) {
        expect(metric, Metric.Kind.NUMBER);
        node.set(metric.key(), Json.MAPPER.valueToTree(value));
        return this;
    }

    public Metrics put(Metric metric, String value) {
        expect(metric, Metric.Kind.TEXT);
        node.put(metric.key(), value);
        return this;
    }

    /** A distribution ({@code Summary}, {@code Distribution}) or an object, serialised as the record holds it. */
    public Metrics set(Metric metric, Object value) {
        if (metric.kind() != Metric.Kind.DISTRIBUTION && metric.kind() != Metric.Kind.OBJECT) {
            throw new IllegalArgumentException(metric + " is a " + metric.kind() + ", not a distribution or object");
        }
        node.set(metric.key(), value instanceof JsonNode json ? json : Json.MAPPER.valueToTree(value));
        return this;
    }

    /** A new object under {@code metric} (kind {@link Metric.Kind#OBJECT}) to fill in. */
    public ObjectNode putObject(Metric metric) {
        expect(metric, Metric.Kind.OBJECT);
        return node.putObject(metric.key());
    }

    public boolean has(Metric metric) {
        return node.has(metric.key());
    }

    /** The value written under {@code metric}; a missing node when absent. */
    public JsonNode get(Metric metric) {
        return node.path(metric.key());
    }

    /** The JSON object the record stores. */
    public ObjectNode json() {
        return node;
    }

    private static void expect(Metric metric, Metric.Kind kind) {
        if (metric.kind() != kind) {
            throw new IllegalArgumentException(metric + " is a " + metric.kind() + ", not a " + kind);
        }
    }
}

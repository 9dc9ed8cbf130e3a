package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.json.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A slice of a suite chosen on the command line ({@code metascale run SUITE --only sampler.shots=1
 * --only seed=0}): the trials whose resolved spec has every given value. Keys are the dotted paths
 * of the trial record's {@code spec} ({@code algorithm.name}, {@code model.size}, {@code seed}, ...);
 * a list value such as {@code model.hidden} is written as JSON ({@code [256,256]}). Running the rest
 * later with {@code --resume} completes the suite without repeating the slice.
 */
public record TrialSelection(List<Condition> conditions) {

    /** One {@code KEY=VALUE}. */
    public record Condition(String key, String value) {
    }

    public TrialSelection {
        conditions = List.copyOf(conditions);
    }

    /** Every trial. */
    public static TrialSelection all() {
        return new TrialSelection(List.of());
    }

    /**
     * Parses {@code KEY=VALUE} arguments.
     *
     * @throws IllegalArgumentException for an argument without {@code =}
     */
    public static TrialSelection parse(List<String> arguments) {
        List<Condition> out = new ArrayList<>();
        for (String a : arguments) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new IllegalArgumentException("--only '" + a + "': expected KEY=VALUE, e.g. --only sampler.shots=1"
                        + " or --only algorithm.name=maml");
            }
            out.add(new Condition(a.substring(0, eq).trim(), a.substring(eq + 1).trim()));
        }
        return new TrialSelection(out);
    }

    /**
     * The suite restricted to the selected trials, in the suite's order.
     *
     * @throws IllegalArgumentException when a key names no field of a trial spec (with the nearest
     *                                  key), or when no trial matches (with the values the key takes)
     */
    public Suite apply(Suite suite) {
        if (conditions.isEmpty()) {
            return suite;
        }
        List<Map<String, String>> flat = suite.trials().stream().map(TrialSelection::flatten).toList();
        for (Condition c : conditions) {
            if (!flat.isEmpty() && !flat.get(0).containsKey(c.key()) && TrialSpec.defaultText(c.key()).isEmpty()) {
                String hint = NearestName.among(c.key(), flat.get(0).keySet()).map(n -> " (did you mean " + n + "?)").orElse("");
                throw new IllegalArgumentException("--only " + c.key() + "=" + c.value() + ": a trial has no field '" + c.key()
                        + "'" + hint + "; fields: " + String.join(", ", new TreeSet<>(flat.get(0).keySet())));
            }
        }
        List<TrialSpec> kept = new ArrayList<>();
        for (int i = 0; i < flat.size(); i++) {
            if (matches(flat.get(i))) {
                kept.add(suite.trials().get(i));
            }
        }
        if (kept.isEmpty()) {
            StringBuilder values = new StringBuilder();
            for (Condition c : conditions) {
                TreeSet<String> seen = new TreeSet<>();
                flat.forEach(f -> seen.add(value(f, c.key())));
                values.append("; ").append(c.key()).append(" takes ").append(String.join(", ", seen));
            }
            throw new IllegalArgumentException("--only selects none of the " + suite.trials().size() + " trials of suite "
                    + suite.name() + values);
        }
        return suite.withTrials(kept);
    }

    private boolean matches(Map<String, String> trial) {
        for (Condition c : conditions) {
            if (!c.value().equals(value(trial, c.key()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A key's value in a flattened trial; a suite key the record leaves out at its default ({@code
     * techniques.parallel_tasks}, a plugin technique's flag) reads as that default.
     */
    private static String value(Map<String, String> trial, String key) {
        String v = trial.get(key);
        return v != null ? v : TrialSpec.defaultText(key).orElse(null);
    }

    /**
     * Dotted path -> value text of every leaf (lists as compact JSON) of a spec; the settings of techniques without a
     * field ({@code techniques.options}) under their suite keys ({@code techniques.vectorize_tasks}).
     */
    static Map<String, String> flatten(TrialSpec spec) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        flatten("", Json.MAPPER.valueToTree(spec), out);
        Map<String, String> renamed = new java.util.LinkedHashMap<>();
        out.forEach((k, v) -> renamed.put(TrialSpec.suiteKey(k), v));
        return renamed;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }
}

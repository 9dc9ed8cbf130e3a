package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Unique human labels for configurations. The base label is {@link TrialSpec#label()}; when
 * several configurations share it, each gets the hyperparameters that tell them apart, e.g.
 * {@code maml conv4 5w1s (inner_lr=0.1)} and {@code maml conv4 5w1s (inner_lr=0.4)}.
 */
public final class ConfigurationLabels {
    /** Fields that never tell configurations apart (the seed is per trial, suite and timeout are not identity). */
    private static final Set<String> IGNORED = Set.of("seed", "suite", "timeout_s");

    private ConfigurationLabels() {
    }

    /**
     * @param specsByConfigId one spec per configuration id (any seed)
     * @return the unique label of each configuration id, in the input's order
     */
    public static Map<String, String> unique(Map<String, TrialSpec> specsByConfigId) {
        Map<String, List<String>> idsByBaseLabel = new LinkedHashMap<>();
        specsByConfigId.forEach((id, spec) -> idsByBaseLabel.computeIfAbsent(spec.label(), k -> new ArrayList<>()).add(id));

        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, List<String>> group : idsByBaseLabel.entrySet()) {
            if (group.getValue().size() == 1) {
                labels.put(group.getValue().get(0), group.getKey());
                continue;
            }
            Map<String, Map<String, String>> flatById = new LinkedHashMap<>();
            for (String id : group.getValue()) {
                flatById.put(id, flatten(specsByConfigId.get(id)));
            }
            List<String> differing = differingPaths(flatById.values());
            Map<String, String> shortNames = shortNames(differing);
            for (String id : group.getValue()) {
                Map<String, String> flat = flatById.get(id);
                String suffix = differing.stream()
                        .map(path -> shortNames.get(path) + "=" + valueOrDefault(flat, path))
                        .collect(Collectors.joining(", ", " (", ")"));
                labels.put(id, group.getKey() + suffix);
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        specsByConfigId.keySet().forEach(id -> ordered.put(id, labels.get(id)));
        return ordered;
    }

    /** The spec as dotted paths to leaf values, e.g. {@code algorithm.inner_lr -> 0.4}. */
    static Map<String, String> flatten(TrialSpec spec) {
        Map<String, String> flat = new TreeMap<>();
        flatten("", spec.toJson(), flat);
        IGNORED.forEach(flat::remove);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(TrialSpec.suiteKey(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey()),
                    e.getValue(), out));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            out.put(prefix, "[" + String.join("-", items) + "]");
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    private static List<String> differingPaths(java.util.Collection<Map<String, String>> flats) {
        Set<String> paths = new LinkedHashSet<>();
        flats.forEach(f -> paths.addAll(f.keySet()));
        List<String> differing = new ArrayList<>();
        for (String path : paths) {
            long distinct = flats.stream().map(f -> valueOrDefault(f, path)).distinct().count();
            if (distinct > 1) {
                differing.add(path);
            }
        }
        return differing;
    }

    /** The value at {@code path}; where the spec's JSON left a default out, the default; else "none". */
    private static String valueOrDefault(Map<String, String> flat, String path) {
        String value = flat.get(path);
        return value != null ? value : TrialSpec.defaultText(path).orElse("none");
    }

    /** The last path segment when it is unambiguous among {@code paths}, else the full path. */
    private static Map<String, String> shortNames(List<String> paths) {
        Map<String, Long> counts = paths.stream().collect(Collectors.groupingBy(ConfigurationLabels::lastSegment, Collectors.counting()));
        Map<String, String> names = new HashMap<>();
        for (String path : paths) {
            String last = lastSegment(path);
            names.put(path, counts.get(last) == 1 ? last : path);
        }
        return names;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}

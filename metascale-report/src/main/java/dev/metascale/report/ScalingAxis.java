package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A quantity a suite sweeps to see how cost grows: the model size (measured as {@code param_count}),
 * the task shape (meta-batch, ways, shots, query) or the number of ranks. Configurations that differ
 * only along the axis form one {@link Group}: one curve of a scaling chart.
 */
public enum ScalingAxis {
    MODEL("parameters", "model.channels (conv4), model.hidden (mlp) or model.size"),
    META_BATCH("meta-batch (tasks per iteration)", "algorithm.meta_batch"),
    WAYS("ways (classes per task)", "sampler.ways"),
    SHOTS("shots (support examples per class)", "sampler.shots"),
    QUERY("query examples per class", "sampler.query"),
    WORLD_SIZE("ranks (world size)", "techniques.world_size");

    private final String label;
    private final String sweepKey;

    ScalingAxis(String label, String sweepKey) {
        this.label = label;
        this.sweepKey = sweepKey;
    }

    /** Axis title, e.g. {@code ways (classes per task)}. */
    public String label() {
        return label;
    }

    /** The suite key to sweep to get data along this axis. */
    public String sweepKey() {
        return sweepKey;
    }

    /**
     * Configurations sharing everything but this axis, ordered by the axis value.
     *
     * @param name   the method, e.g. {@code maml conv4} ({@code #2} appended when two groups would share it)
     * @param points the configurations, ascending in x
     * @param x      the axis value of each point
     */
    public record Group(String name, List<ConfigurationSummary> points, double[] x) {
    }

    /** The value of this axis for a configuration; empty when unknown (e.g. a model without {@code param_count}). */
    public OptionalDouble value(ConfigurationSummary c) {
        TrialSpec s = c.spec();
        return switch (this) {
            case MODEL -> c.paramCount();
            case META_BATCH -> OptionalDouble.of(s.algorithm().metaBatch());
            case WAYS -> OptionalDouble.of(s.sampler().ways());
            case SHOTS -> OptionalDouble.of(s.sampler().shots());
            case QUERY -> OptionalDouble.of(s.sampler().query());
            case WORLD_SIZE -> OptionalDouble.of(s.techniques().worldSize());
        };
    }

    /** Groups with at least two distinct axis values, in order of first appearance. */
    public List<Group> groups(List<ConfigurationSummary> configurations) {
        Map<String, List<ConfigurationSummary>> byKey = new LinkedHashMap<>();
        for (ConfigurationSummary c : configurations) {
            if (value(c).isPresent()) {
                byKey.computeIfAbsent(groupKey(c.spec()), k -> new ArrayList<>()).add(c);
            }
        }
        List<Group> out = new ArrayList<>();
        Map<String, Integer> nameUses = new LinkedHashMap<>();
        for (List<ConfigurationSummary> members : byKey.values()) {
            List<ConfigurationSummary> sorted = new ArrayList<>(members);
            sorted.sort(Comparator.comparingDouble(c -> value(c).getAsDouble()));
            double[] x = sorted.stream().mapToDouble(c -> value(c).getAsDouble()).toArray();
            if (x.length < 2 || x[0] == x[x.length - 1]) {
                continue;
            }
            String name = name(sorted.get(0).spec());
            int uses = nameUses.merge(name, 1, Integer::sum);
            out.add(new Group(uses == 1 ? name : name + " #" + uses, List.copyOf(sorted), x));
        }
        return out;
    }

    private String name(TrialSpec s) {
        StringBuilder b = new StringBuilder(s.algorithm().name());
        if (this != MODEL) {
            b.append(' ').append(s.model().label());
        }
        TechniqueSpec t = s.techniques();
        if (!"fp32".equals(t.precision())) {
            b.append(' ').append(t.precision());
        }
        if (t.checkpointing() > 0) {
            b.append(" ckpt");
        }
        if (this == WORLD_SIZE && t.scaling() != null) {
            b.append(' ').append(t.scaling());
        }
        return b.toString();
    }

    /**
     * What identifies a configuration apart from this axis and the seed: the spec's JSON without the axis's keys, so
     * that specs differing only along the axis compare equal. Read from the JSON, it follows every field a spec gains.
     */
    String groupKey(TrialSpec s) {
        ObjectNode json = s.identity();
        json.remove("seed");
        for (String path : erasedPaths()) {
            int dot = path.indexOf('.');
            if (json.get(path.substring(0, dot)) instanceof ObjectNode section) {
                section.remove(path.substring(dot + 1));
            }
        }
        return json.toString();
    }

    /** The spec paths that vary along this axis. */
    private List<String> erasedPaths() {
        return switch (this) {
            case MODEL -> List.of("model.size", "model.hidden", "model.channels");
            case META_BATCH -> List.of("algorithm.meta_batch");
            case WAYS -> List.of("sampler.ways");
            case SHOTS -> List.of("sampler.shots");
            case QUERY -> List.of("sampler.query");
            case WORLD_SIZE -> List.of("techniques.world_size");
        };
    }
}

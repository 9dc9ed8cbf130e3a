package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.metascale.core.component.Components;
import dev.metascale.core.component.TechniqueDescriptor;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scaling techniques applied to the learner.
 *
 * @param precision     fp32, bf16 or fp16
 * @param checkpointing activation-checkpointing segments; 0 = off
 * @param worldSize     data-parallel ranks
 * @param scaling       strong (the global meta-batch is split over the ranks) or weak (each rank
 *                      takes a full meta-batch)
 * @param chunk         tasks back-propagated together per chunk of the meta-batch (gradient
 *                      accumulation over chunks); 0 = one task at a time
 * @param offload       keep checkpointed segments' inputs in host memory while a CUDA device computes
 *                      (left out of the JSON, and so of the trial id, when false); rejected at validation
 *                      on this CPU build, where every tensor already lives in host memory
 * @param parallelTasks tasks of the meta-batch computed at the same time, each on its own thread with
 *                      threads / parallel_tasks intra-op threads (task parallelism instead of operator
 *                      parallelism); 0 = one task after another (left out of the JSON, and so of the
 *                      trial id, when 0)
 * @param overlapAllreduce data-parallel: all-reduce the gradient bucket in segments during the step's last
 *                      backward, each as soon as its gradients are final, instead of in one piece after it (left
 *                      out of the JSON, and so of the trial id, when false)
 * @param options       the settings of techniques registered without a field here (a {@code ComponentSource}'s
 *                      {@link TechniqueDescriptor}s), by key, those at their default left out; the whole map is left
 *                      out of the JSON, and so of the trial id, when empty
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean offload,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int parallelTasks,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean overlapAllreduce,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> options) {
    /** The keys held by the fields above; every other technique's setting goes to {@link #options}. */
    static final java.util.List<String> FIELD_KEYS = java.util.List.of("precision", "checkpointing", "world_size", "scaling",
            "chunk", "offload", "parallel_tasks", "overlap_allreduce");

    public TechniqueSpec {
        options = options == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(options));
    }

    public TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk, boolean offload,
                         int parallelTasks, boolean overlapAllreduce) {
        this(precision, checkpointing, worldSize, scaling, chunk, offload, parallelTasks, overlapAllreduce, Map.of());
    }

    /**
     * A trial's techniques from their resolved settings by key ({@code chunk -> 4}): the built-in keys into their fields,
     * the others into {@link #options} unless at their default.
     */
    static TechniqueSpec of(Map<String, Object> byKey) {
        Map<String, Object> options = new TreeMap<>();
        for (Map.Entry<String, Object> e : byKey.entrySet()) {
            if (!FIELD_KEYS.contains(e.getKey()) && Components.technique(e.getKey()).map(d -> !d.off(e.getValue())).orElse(true)) {
                options.put(e.getKey(), e.getValue());
            }
        }
        return new TechniqueSpec((String) byKey.get("precision"), (Integer) byKey.get("checkpointing"), (Integer) byKey.get("world_size"),
                (String) byKey.get("scaling"), (Integer) byKey.get("chunk"), (Boolean) byKey.get("offload"),
                (Integer) byKey.get("parallel_tasks"), (Boolean) byKey.get("overlap_allreduce"), options);
    }

    /**
     * The setting of a registered technique that has no field here: its value in {@link #options}, else its default.
     *
     * @throws IllegalArgumentException when no technique of that key is registered
     */
    public Object option(String key) {
        TechniqueDescriptor technique = Components.technique(key).orElseThrow(() -> new IllegalArgumentException(
                "no technique '" + key + "' is registered; known: " + Components.techniques().stream().map(TechniqueDescriptor::key).toList()));
        return options.getOrDefault(key, technique.setting().defaultValue());
    }

    public TechniqueSpec(String precision, int checkpointing, int worldSize) {
        this(precision, checkpointing, worldSize, "strong", 0);
    }

    public TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk) {
        this(precision, checkpointing, worldSize, scaling, chunk, false);
    }

    public TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk, boolean offload) {
        this(precision, checkpointing, worldSize, scaling, chunk, offload, 0);
    }

    public TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk, boolean offload,
                         int parallelTasks) {
        this(precision, checkpointing, worldSize, scaling, chunk, offload, parallelTasks, false);
    }
}

package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

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
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean offload,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int parallelTasks,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean overlapAllreduce) {
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

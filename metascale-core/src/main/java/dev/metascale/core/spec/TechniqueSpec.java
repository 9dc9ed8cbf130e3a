package dev.metascale.core.spec;

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
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TechniqueSpec(String precision, int checkpointing, int worldSize, String scaling, int chunk) {
    public TechniqueSpec(String precision, int checkpointing, int worldSize) {
        this(precision, checkpointing, worldSize, "strong", 0);
    }
}

package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Scaling techniques applied to the learner.
 *
 * @param precision     fp32, bf16 or fp16
 * @param checkpointing activation-checkpointing segments; 0 = off
 * @param worldSize     data-parallel ranks
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TechniqueSpec(String precision, int checkpointing, int worldSize) {
}

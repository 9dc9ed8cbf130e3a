package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Meta-training length: {@code iterations} meta-steps, the first {@code warmup} of them not timed. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainSpec(int iterations, int warmup) {
}

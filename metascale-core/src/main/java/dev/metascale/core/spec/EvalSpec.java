package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The test-episode pool: {@code episodes} episodes from the test classes of {@code dataset} (the
 * trial's own data set unless set: cross-domain evaluation), drawn with {@code seed} so that every
 * method of a suite is evaluated on the same episodes.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalSpec(int episodes, long seed, String dataset) {
}

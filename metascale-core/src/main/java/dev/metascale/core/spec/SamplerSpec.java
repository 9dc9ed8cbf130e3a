package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How episodes are drawn. {@code fixed}: exactly {@code ways} classes, {@code shots} support and
 * {@code query} query examples per class.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SamplerSpec(String kind, int ways, int shots, int query) {
}

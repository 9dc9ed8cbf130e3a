package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How episodes are drawn. {@code fixed}: exactly {@code ways} classes, {@code shots} support and
 * {@code query} query examples per class. {@code imbalanced}: {@code ways} classes, each with a
 * support size drawn uniformly from [{@code minShots}, {@code maxShots}]. {@code meta-dataset}: the
 * variable-way variable-shot protocol of Triantafillou et al. (2019); ways, shots and query are drawn.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SamplerSpec(String kind, int ways, int shots, int query, int minShots, int maxShots) {
    public SamplerSpec(String kind, int ways, int shots, int query) {
        this(kind, ways, shots, query, 1, 5);
    }
}

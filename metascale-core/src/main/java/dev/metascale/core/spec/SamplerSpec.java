package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How episodes are drawn. {@code fixed}: exactly {@code ways} classes, {@code shots} support and
 * {@code query} query examples per class. {@code imbalanced}: {@code ways} classes, each with a
 * support size drawn uniformly from [{@code minShots}, {@code maxShots}]. {@code meta-dataset}: the
 * variable-way variable-shot protocol of Triantafillou et al. (2019); ways, shots and query are drawn.
 *
 * <p>{@code skipSmallClasses}: a class with fewer examples than an episode takes from it is left
 * out of sampling instead of failing the trial (default false: the sampler names the class and its
 * counts). It is written to JSON only when true, so the identity of trials that do not set it is
 * the same as before the key existed.
 *
 * <p>{@code withinGroup}: every episode's classes come from one group of the data set (a domain of a cross-domain
 * data set such as {@code nlp-cross-domain}, a script of {@code glyphs}); episode {@code i} is drawn from group
 * {@code i mod G} of the G groups in name order, so each group gets the same share of a fixed test pool, as FLEX's
 * per-data-set test episodes. Also written only when true.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SamplerSpec(String kind, int ways, int shots, int query, int minShots, int maxShots,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean skipSmallClasses,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean withinGroup) {
    public SamplerSpec(String kind, int ways, int shots, int query) {
        this(kind, ways, shots, query, 1, 5);
    }

    public SamplerSpec(String kind, int ways, int shots, int query, int minShots, int maxShots) {
        this(kind, ways, shots, query, minShots, maxShots, false);
    }

    public SamplerSpec(String kind, int ways, int shots, int query, int minShots, int maxShots, boolean skipSmallClasses) {
        this(kind, ways, shots, query, minShots, maxShots, skipSmallClasses, false);
    }

    /** The same episodes drawn from all the classes of a split at once: what each group's sampler draws. */
    public SamplerSpec acrossGroups() {
        return new SamplerSpec(kind, ways, shots, query, minShots, maxShots, skipSmallClasses, false);
    }

    /**
     * The most support examples per class an episode can take: {@code shots} for the fixed sampler (whose {@code
     * min_shots}/{@code max_shots} keep their defaults and mean nothing), else the larger of {@code shots} and
     * {@code max_shots}.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int largestShots() {
        return "fixed".equals(kind) ? shots : Math.max(shots, maxShots);
    }

    /**
     * The task part of a configuration's label: {@code 5w1s} for the fixed sampler, {@code 5w1-5s}
     * for the imbalanced one, {@code meta-dataset} for variable-way variable-shot episodes (their
     * ways and shots are drawn per episode, so the fields say nothing).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String label() {
        return switch (kind) {
            case "meta-dataset" -> "meta-dataset";
            case "imbalanced" -> ways + "w" + minShots + "-" + maxShots + "s";
            default -> ways + "w" + shots + "s";
        };
    }
}

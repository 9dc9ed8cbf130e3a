package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The evaluation-episode pool: {@code episodes} episodes from the classes of {@code split} of {@code dataset} (the
 * trial's own data set unless set: cross-domain evaluation), drawn with {@code seed} so that every method of a suite
 * is evaluated on the same episodes.
 *
 * @param split {@link #VAL} for the meta-validation classes (what a tuning search selects on), null for the test
 *              classes: "test" is normalised to null and left out of the JSON, so every test trial's id is unchanged
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalSpec(int episodes, long seed, String dataset, @JsonInclude(JsonInclude.Include.NON_NULL) String split) {
    /** The meta-validation split. */
    public static final String VAL = "val";
    /** The meta-test split (the default). */
    public static final String TEST = "test";

    public EvalSpec {
        if (TEST.equals(split)) {
            split = null;
        }
        if (split != null && !split.equals(VAL)) {
            throw new IllegalArgumentException("eval.split must be " + VAL + " or " + TEST + ", got " + split);
        }
    }

    /** An evaluation on the test classes. */
    public EvalSpec(int episodes, long seed, String dataset) {
        this(episodes, seed, dataset, null);
    }

    /** Whether it evaluates on the meta-validation classes (a tuning trial) rather than the test classes. */
    @JsonIgnore
    public boolean onValidation() {
        return VAL.equals(split);
    }

    /** "val" or "test". */
    @JsonIgnore
    public String splitName() {
        return split == null ? TEST : split;
    }

    /** The same data set on {@code episodes} validation episodes drawn with {@code seed}. */
    public EvalSpec onValidation(int episodes, long seed) {
        return new EvalSpec(episodes, seed, dataset, VAL);
    }
}

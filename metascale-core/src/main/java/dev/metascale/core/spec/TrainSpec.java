package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Meta-training length: {@code iterations} meta-steps, the first {@code warmup} of them not timed.
 *
 * @param valEvery    every this many iterations (and after the last), outside the timed window, the model is scored on
 *                    {@code valEpisodes} validation episodes: the learning curve; null (left out of the JSON, so of the
 *                    trial id) for none
 * @param valEpisodes validation episodes of each point of the curve; null for the default (50)
 * @param until       a target validation score: accuracy (a fraction) to reach, or for a language model a perplexity to
 *                    get below; training stops at the first curve point that meets it, {@code iterations} is then
 *                    the budget; null to train for all the iterations
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainSpec(int iterations, int warmup, @JsonInclude(JsonInclude.Include.NON_NULL) Integer valEvery,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer valEpisodes,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Double until) {
    /** Validation episodes of a curve point when the suite does not say. */
    public static final int DEFAULT_VAL_EPISODES = 50;

    public TrainSpec {
        if (valEvery != null && valEvery == 0) {
            valEvery = null;
        }
        if (valEvery == null) {
            valEpisodes = null;
        } else if (valEpisodes != null && valEpisodes == DEFAULT_VAL_EPISODES) {
            valEpisodes = null;
        }
    }

    /** Training without a learning curve. */
    public TrainSpec(int iterations, int warmup) {
        this(iterations, warmup, null, null, null);
    }

    /** Whether the trial records a validation learning curve. */
    @JsonIgnore
    public boolean curve() {
        return valEvery != null;
    }

    /** Validation episodes of each curve point. */
    @JsonIgnore
    public int curveEpisodes() {
        return valEpisodes == null ? DEFAULT_VAL_EPISODES : valEpisodes;
    }
}

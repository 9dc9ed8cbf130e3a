package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A meta-learner or baseline and its hyperparameters.
 *
 * @param name            see {@link Catalog#ALGORITHMS}
 * @param innerLr         step size of the inner-loop (adaptation) SGD steps
 * @param innerSteps      inner-loop steps during meta-training
 * @param evalInnerSteps  inner-loop steps when adapting to a test episode
 * @param outerLr         Adam step size of the outer loop (or of the baseline's pre-training)
 * @param metaBatch       tasks per meta-iteration (for fine-tuning: the batch is the same number of
 *                        samples, drawn from the meta-train classes)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AlgorithmSpec(String name, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, int metaBatch) {
}

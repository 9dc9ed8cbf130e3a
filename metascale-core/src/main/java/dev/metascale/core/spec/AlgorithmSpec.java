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
 * @param cgSteps         iMAML: conjugate-gradient steps of the implicit meta-gradient
 * @param imamlLambda     iMAML: strength λ of the proximal regulariser (λ/2)‖φ − θ‖²
 * @param loraRank        LoRA: rank r of the low-rank update
 * @param adapterSize     Adapter: bottleneck width
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AlgorithmSpec(String name, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, int metaBatch,
                            int cgSteps, double imamlLambda, int loraRank, int adapterSize) {
    /** The common hyperparameters, the algorithm-specific ones at their defaults. */
    public AlgorithmSpec(String name, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, int metaBatch) {
        this(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, 5, 1.0, 4, 16);
    }

    /** The same algorithm with another meta-batch size (e.g. the tasks of all ranks of a data-parallel step). */
    public AlgorithmSpec withMetaBatch(int tasks) {
        return new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, tasks, cgSteps, imamlLambda, loraRank, adapterSize);
    }
}

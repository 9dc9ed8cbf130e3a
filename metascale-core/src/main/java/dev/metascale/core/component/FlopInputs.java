package dev.metascale.core.component;

import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.FlopFormulas;
import dev.metascale.core.flops.ForwardCost;
import dev.metascale.core.spec.AlgorithmSpec;

import java.util.Optional;

/**
 * What a learner's FLOP formulas ({@link LearnerDescriptor#flops()}, {@link LearnerDescriptor#recompute()}) read
 * about one trial: its hyperparameters, the episode shape and the model's forward cost at any batch size.
 *
 * @param algorithm    the learner's settings, {@code meta_batch} = the tasks of one step
 * @param support      support examples of one task
 * @param query        query examples of one task
 * @param ways         classes of one task
 * @param trainClasses outputs of the pre-training head of the baselines
 * @param featureDim   width of the model's features
 * @param costs        the model's forward cost; empty where the model does not count its FLOPs
 */
public record FlopInputs(AlgorithmSpec algorithm, long support, long query, int ways, int trainClasses, int featureDim,
                         ForwardCosts costs) {

    /** The forward cost of a model at {@code batch} examples with a head of {@code outputs} (0: the features alone). */
    @FunctionalInterface
    public interface ForwardCosts {
        Optional<ForwardCost> at(long batch, int outputs);
    }

    public Optional<ForwardCost> cost(long batch, int outputs) {
        return costs.at(batch, outputs);
    }

    /** The feature forward (no head) over {@code batch} examples: what segment recompute runs again. */
    public Optional<FlopCount> featureForward(long batch) {
        return costs.at(batch, 0).map(ForwardCost::forward);
    }

    /** The linear head on the features of {@code batch} examples, as a layer whose input (the features) needs a gradient. */
    public ForwardCost head(long batch) {
        return new ForwardCost(FlopFormulas.linearForward(batch, featureDim, ways, true), 0,
                FlopFormulas.linearBackward(batch, featureDim, ways, true, true).other());
    }

    public int innerSteps() {
        return algorithm.innerSteps();
    }

    public int metaBatch() {
        return algorithm.metaBatch();
    }
}

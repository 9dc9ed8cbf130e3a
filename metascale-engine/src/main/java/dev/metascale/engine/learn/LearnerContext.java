package dev.metascale.engine.learn;

import dev.metascale.core.component.LearnerDescriptor;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.global.torch;

/**
 * What a {@link LearnerFactory} builds a learner from.
 *
 * @param algorithm    the learner's settings
 * @param model        the network it trains
 * @param ways         classes per episode (for a language model: its vocabulary)
 * @param trainClasses classes of the meta-train split (for a language model: its vocabulary)
 * @param seed         initialisation seed
 * @param dtype        parameter type
 * @param techniques   the memory techniques the learner applies to its gradient computations
 * @param head         the head its parameters are initialised with (its descriptor's)
 */
public record LearnerContext(AlgorithmSpec algorithm, Model model, int ways, int trainClasses, long seed, torch.ScalarType dtype,
                             TrainingTechniques techniques, LearnerDescriptor.Head head) {

    /** Freshly initialised parameters of the model with the descriptor's head. */
    public ParamSet params() {
        int outputs = switch (head) {
            case WAYS -> ways;
            case NONE -> 0;
            case TRAIN_CLASSES -> trainClasses;
        };
        return model.init(seed, outputs, dtype);
    }
}

package dev.metascale.engine.learn;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.engine.model.Model;
import org.bytedeco.pytorch.global.torch;

/** Builds the learner an {@link AlgorithmSpec} names, with freshly initialised parameters. */
public final class Learners {
    private Learners() {
    }

    /**
     * @param ways             classes per episode (the head size of the MAML family)
     * @param trainClasses     classes of the meta-train split (the head size of fine-tuning's pre-training)
     * @param seed             initialisation seed
     */
    public static MetaLearner create(AlgorithmSpec a, Model model, int ways, int trainClasses, long seed, torch.ScalarType dtype) {
        return switch (a.name()) {
            case "maml" -> new Maml(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr());
            case "fomaml" -> new FoMaml(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr());
            case "protonet" -> new ProtoNet(model, model.init(seed, 0, dtype), a.outerLr());
            case "finetune" -> new FineTune(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr());
            default -> throw new IllegalArgumentException("algorithm '" + a.name()
                    + "' is not available in this version; available: maml, fomaml, protonet, finetune (see `metascale list`)");
        };
    }
}

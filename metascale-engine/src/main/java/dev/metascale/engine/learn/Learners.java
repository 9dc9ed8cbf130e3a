package dev.metascale.engine.learn;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import org.bytedeco.pytorch.global.torch;

/** Builds the learner an {@link AlgorithmSpec} names, with freshly initialised parameters. */
public final class Learners {
    private Learners() {
    }

    /**
     * @param ways             classes per episode (the head size of the MAML family)
     * @param trainClasses     classes of the meta-train split (the head size of the baselines' pre-training)
     * @param seed             initialisation seed
     */
    public static MetaLearner create(AlgorithmSpec a, Model model, int ways, int trainClasses, long seed, torch.ScalarType dtype) {
        return create(a, model, ways, trainClasses, seed, dtype, TrainingTechniques.NONE);
    }

    /**
     * @param techniques activation checkpointing and task chunking; maml, fomaml and protonet apply
     *                   them; reptile, imaml, anil and the pre-trained baselines apply checkpointing; the other learners accept only {@link TrainingTechniques#NONE}
     */
    public static MetaLearner create(AlgorithmSpec a, Model model, int ways, int trainClasses, long seed, torch.ScalarType dtype,
                                     TrainingTechniques techniques) {
        switch (a.name()) {
            case "maml":
                return new Maml(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr(), techniques);
            case "fomaml":
                return new FoMaml(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr(), techniques);
            case "protonet":
                return new ProtoNet(model, model.init(seed, 0, dtype), a.outerLr(), techniques);
            case "reptile":
                return new Reptile(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr(), techniques);
            case "imaml":
                return new Imaml(model, model.init(seed, ways, dtype),
                        new Imaml.Settings(a.innerLr(), a.innerSteps(), a.imamlLambda(), a.cgSteps()), a.evalInnerSteps(), a.outerLr(), techniques);
            case "anil":
                return new Anil(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr(), techniques);
            case "finetune":
                return new FineTune(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr(), techniques);
            case "linear-probe":
                return new LinearProbe(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr(), techniques);
            case "lora":
                return new LoraBaseline(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr(),
                        a.loraRank(), techniques);
            case "adapter":
                return new AdapterBaseline(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr(),
                        a.adapterSize(), techniques);
            default:
                if (!techniques.equals(TrainingTechniques.NONE)) {
                    throw new IllegalArgumentException("activation checkpointing is implemented for maml, fomaml, protonet,"
                            + " reptile, imaml, anil, finetune, linear-probe, lora and adapter, task chunking for maml, fomaml and"
                            + " protonet in this version, not " + a.name() + "; use checkpointing: false and chunk: 0");
                }
        }
        return switch (a.name()) {
            case "maml" -> new Maml(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr());
            case "fomaml" -> new FoMaml(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr());
            case "reptile" -> new Reptile(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr());
            case "imaml" -> new Imaml(model, model.init(seed, ways, dtype),
                    new Imaml.Settings(a.innerLr(), a.innerSteps(), a.imamlLambda(), a.cgSteps()), a.evalInnerSteps(), a.outerLr());
            case "anil" -> new Anil(model, model.init(seed, ways, dtype), a.innerLr(), a.innerSteps(), a.evalInnerSteps(), a.outerLr());
            case "protonet" -> new ProtoNet(model, model.init(seed, 0, dtype), a.outerLr());
            case "finetune" -> new FineTune(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr());
            case "linear-probe" -> new LinearProbe(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr());
            case "lora" -> new LoraBaseline(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr(), a.loraRank());
            case "adapter" -> new AdapterBaseline(model, model.init(seed, trainClasses, dtype), a.innerLr(), a.evalInnerSteps(), a.outerLr(), a.adapterSize());
            default -> throw new IllegalArgumentException("algorithm '" + a.name() + "' is not available in this version; available: "
                    + "maml, fomaml, reptile, imaml, anil, protonet, finetune, linear-probe, lora, adapter (see `metascale list`)");
        };
    }
}

package dev.metascale.engine.learn;

import dev.metascale.core.component.ComponentSource;
import dev.metascale.core.component.Components;
import dev.metascale.core.component.LearnerDescriptor;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import org.bytedeco.pytorch.global.torch;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Builds the learner an {@link AlgorithmSpec} names, with freshly initialised parameters: one factory per
 * {@link LearnerDescriptor} of {@link Components}, the built-in ones here, a {@link LearnerPlugin}'s its own.
 */
public final class Learners {
    private static final Map<String, LearnerFactory> FACTORIES = new HashMap<>();

    static {
        bind("maml", c -> new Maml(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().innerSteps(),
                c.algorithm().evalInnerSteps(), c.algorithm().outerLr(), c.techniques()));
        bind("fomaml", c -> new FoMaml(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().innerSteps(),
                c.algorithm().evalInnerSteps(), c.algorithm().outerLr(), c.techniques()));
        bind("protonet", c -> new ProtoNet(c.model(), c.params(), c.algorithm().outerLr(), c.techniques()));
        bind("reptile", c -> new Reptile(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().innerSteps(),
                c.algorithm().evalInnerSteps(), c.algorithm().outerLr(), c.techniques()));
        bind("imaml", c -> new Imaml(c.model(), c.params(), new Imaml.Settings(c.algorithm().innerLr(), c.algorithm().innerSteps(),
                c.algorithm().imamlLambda(), c.algorithm().cgSteps()), c.algorithm().evalInnerSteps(), c.algorithm().outerLr(),
                c.techniques()));
        bind("anil", c -> new Anil(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().innerSteps(),
                c.algorithm().evalInnerSteps(), c.algorithm().outerLr(), c.techniques()));
        bind("finetune", c -> new FineTune(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().evalInnerSteps(),
                c.algorithm().outerLr(), c.techniques()));
        bind("linear-probe", c -> new LinearProbe(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().evalInnerSteps(),
                c.algorithm().outerLr(), c.techniques()));
        bind("lora", c -> new LoraBaseline(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().evalInnerSteps(),
                c.algorithm().outerLr(), c.algorithm().loraRank(), c.techniques()));
        bind("adapter", c -> new AdapterBaseline(c.model(), c.params(), c.algorithm().innerLr(), c.algorithm().evalInnerSteps(),
                c.algorithm().outerLr(), c.algorithm().adapterSize(), c.techniques()));
        for (ComponentSource source : ServiceLoader.load(ComponentSource.class, Learners.class.getClassLoader())) {
            if (source instanceof LearnerPlugin plugin) {
                bind(plugin.descriptor().name(), plugin);
            }
        }
    }

    private Learners() {
    }

    private static void bind(String name, LearnerFactory factory) {
        if (FACTORIES.putIfAbsent(name, factory) != null) {
            throw new IllegalStateException("two learners are bound to '" + name + "'");
        }
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
     * @param techniques the memory techniques; validation admits only those the learner's descriptor declares
     */
    public static MetaLearner create(AlgorithmSpec a, Model model, int ways, int trainClasses, long seed, torch.ScalarType dtype,
                                     TrainingTechniques techniques) {
        LearnerDescriptor descriptor = Components.learner(a.name()).orElse(null);
        LearnerFactory factory = FACTORIES.get(a.name());
        if (descriptor == null || factory == null) {
            throw new IllegalArgumentException("algorithm '" + a.name() + "' is not available in this version; available: "
                    + String.join(", ", Components.learners().stream().map(LearnerDescriptor::name)
                            .filter(FACTORIES::containsKey).toList()) + " (see `metascale list`)");
        }
        return factory.create(new LearnerContext(a, model, ways, trainClasses, seed, dtype, techniques, descriptor.head()));
    }
}

package dev.metascale.core.component;

import dev.metascale.core.component.LearnerDescriptor.Capability;
import dev.metascale.core.component.LearnerDescriptor.FlopRule;
import dev.metascale.core.component.LearnerDescriptor.Head;
import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.IterationFlops;

import java.util.List;
import java.util.Set;

import static dev.metascale.core.component.LearnerDescriptor.Capability.CHECKPOINTING;
import static dev.metascale.core.component.LearnerDescriptor.Capability.INNER_LOOP;
import static dev.metascale.core.component.LearnerDescriptor.Capability.SECOND_ORDER;
import static dev.metascale.core.component.LearnerDescriptor.Capability.LANGUAGE_MODEL;
import static dev.metascale.core.component.LearnerDescriptor.Capability.LOSS_SCALING;
import static dev.metascale.core.component.LearnerDescriptor.Capability.META_LOSS;
import static dev.metascale.core.component.LearnerDescriptor.Capability.VARIABLE_WAYS;
import static dev.metascale.core.component.LearnerDescriptor.Capability.VECTORIZED_TASKS;

/**
 * The learners of this version, one descriptor each (the engine's {@code Learners} binds a factory to each
 * name). FLOP formulas: {@link IterationFlops} at the model's {@link FlopInputs#cost forward cost} of the support
 * (S) and query (Q) sets; recompute (activation checkpointing re-runs every feature segment once per
 * checkpointed gradient, F(n) = the feature forward over n examples, k inner steps):
 * <pre>  fomaml, imaml: k · F(S) + F(Q)    maml: F(Q) (the inner steps keep their graphs)
 *   protonet, anil: F(S) + F(Q)       reptile: k · F(S + Q)
 *   finetune, linear-probe, lora, adapter (pre-training): F(S + Q)</pre>
 * per task, times the meta-batch.
 */
final class BuiltInLearners {
    private BuiltInLearners() {
    }

    private static final Hyperparameter OUTER_LR = Hyperparameter.real("outer_lr", 1e-4, 1e-2, "Adam step size of the outer loop");
    /** Reptile's outer step is no Adam step size but the interpolation ε of θ ← θ + ε(φ − θ) (Nichol et al. 2018, alg. 1). */
    private static final Hyperparameter REPTILE_STEP = Hyperparameter.real("outer_lr", 0.05, 1.0,
            "interpolation step ε of θ ← θ + ε(φ − θ)");
    private static final Hyperparameter INNER_LR = Hyperparameter.real("inner_lr", 0.01, 1.0, "inner-loop SGD step size");
    private static final Hyperparameter INNER_STEPS = Hyperparameter.count("inner_steps", 1, 10, "inner-loop steps in meta-training");
    private static final Hyperparameter EVAL_STEPS = Hyperparameter.count("eval_inner_steps", 1, 20, "inner-loop steps at test time");
    private static final Hyperparameter FINE_TUNE_LR = Hyperparameter.real("inner_lr", 0.001, 0.5, "fine-tuning SGD step size per episode");
    private static final Hyperparameter FINE_TUNE_STEPS = Hyperparameter.count("eval_inner_steps", 5, 100, "fine-tuning steps per episode");
    private static final Hyperparameter PRETRAIN_LR = Hyperparameter.real("outer_lr", 1e-4, 1e-2, "Adam step size of the pre-training");

    private static final String REPLACES_HEAD = " replaces the head by a new zero-initialised one per episode, and a language"
            + " model's head is its next-character output projection over the whole vocabulary, which must be kept";

    /** A baseline: pre-trained on the meta-train classes, then a new head (and its own parameters) fitted per episode. */
    private static LearnerDescriptor baseline(String name, String description, Set<Capability> capabilities,
                                              List<Hyperparameter> own, FlopRule flops) {
        List<Hyperparameter> hyperparameters = new java.util.ArrayList<>(List.of(PRETRAIN_LR, FINE_TUNE_LR, FINE_TUNE_STEPS));
        hyperparameters.addAll(own);
        return new LearnerDescriptor(name, description, capabilities, Head.TRAIN_CLASSES, hyperparameters, "pre-training",
                name + REPLACES_HEAD, flops, in -> in.featureForward(in.support() + in.query()).orElse(FlopCount.ZERO));
    }

    /**
     * The baselines' meta-training: the same conventional pre-training for all four (finetune, linear-probe, lora,
     * adapter differ only in what they fit per test episode), a forward and backward over support and query at the
     * head over all meta-train classes.
     */
    private static final FlopRule PRETRAINING = in -> in.cost(in.support() + in.query(), in.trainClasses())
            .map(c -> IterationFlops.fineTune(c, in.metaBatch()));

    static final List<LearnerDescriptor> ALL = List.of(
            new LearnerDescriptor("maml", "MAML, second order (Finn et al. 2017)",
                    Set.of(CHECKPOINTING, META_LOSS, LANGUAGE_MODEL, INNER_LOOP, SECOND_ORDER, VECTORIZED_TASKS, LOSS_SCALING), Head.WAYS,
                    List.of(OUTER_LR, INNER_LR, INNER_STEPS, EVAL_STEPS), "query pass only", "",
                    in -> in.cost(in.support(), in.ways()).flatMap(s -> in.cost(in.query(), in.ways())
                            .map(q -> IterationFlops.maml(s, q, in.innerSteps(), in.metaBatch()))),
                    in -> in.featureForward(in.query()).orElseThrow()),
            new LearnerDescriptor("fomaml", "first-order MAML (Finn et al. 2017, sec. 5.2)",
                    Set.of(CHECKPOINTING, META_LOSS, LANGUAGE_MODEL, INNER_LOOP, VECTORIZED_TASKS, LOSS_SCALING), Head.WAYS,
                    List.of(OUTER_LR, INNER_LR, INNER_STEPS, EVAL_STEPS), "", "",
                    in -> in.cost(in.support(), in.ways()).flatMap(s -> in.cost(in.query(), in.ways())
                            .map(q -> IterationFlops.foMaml(s, q, in.innerSteps(), in.metaBatch()))),
                    in -> in.featureForward(in.support()).orElseThrow().times(in.innerSteps())
                            .plus(in.featureForward(in.query()).orElseThrow())),
            new LearnerDescriptor("protonet", "Prototypical Networks (Snell et al. 2017)",
                    Set.of(CHECKPOINTING, META_LOSS, VARIABLE_WAYS, LOSS_SCALING, VECTORIZED_TASKS), Head.NONE, List.of(OUTER_LR), "",
                    "protonet classifies by distance to class prototypes, and a language-model task has no classes (its"
                            + " targets are characters)",
                    in -> in.cost(in.support(), 0).flatMap(s -> in.cost(in.query(), 0)
                            .map(q -> IterationFlops.protoNet(s, q, in.support(), in.query(), in.ways(), in.featureDim(),
                                    in.metaBatch()))),
                    in -> in.featureForward(in.support()).orElseThrow().plus(in.featureForward(in.query()).orElseThrow())),
            new LearnerDescriptor("reptile", "Reptile (Nichol et al. 2018)", Set.of(CHECKPOINTING, LANGUAGE_MODEL), Head.WAYS,
                    List.of(REPTILE_STEP, INNER_LR, INNER_STEPS, EVAL_STEPS), "", "reptile" + REPLACES_HEAD,
                    in -> in.cost(in.support() + in.query(), in.ways())
                            .map(c -> IterationFlops.reptile(c, in.innerSteps(), in.metaBatch())),
                    in -> in.featureForward(in.support() + in.query()).orElse(FlopCount.ZERO).times(in.innerSteps())),
            new LearnerDescriptor("imaml", "implicit MAML (Rajeswaran et al. 2019)", Set.of(CHECKPOINTING, LANGUAGE_MODEL), Head.WAYS,
                    List.of(OUTER_LR, INNER_LR, INNER_STEPS, EVAL_STEPS,
                            Hyperparameter.count("cg_steps", 1, 20, "conjugate-gradient steps of the implicit meta-gradient"),
                            Hyperparameter.real("imaml_lambda", 0.1, 10, "strength λ of the proximal regulariser")),
                    "inner loop", "",
                    in -> in.cost(in.support(), in.ways()).flatMap(s -> in.cost(in.query(), in.ways())
                            .map(q -> IterationFlops.imaml(s, q, in.innerSteps(), in.algorithm().cgSteps(), in.metaBatch()))),
                    in -> in.featureForward(in.support()).orElseThrow().times(in.innerSteps())
                            .plus(in.featureForward(in.query()).orElseThrow())),
            new LearnerDescriptor("anil", "ANIL (Raghu et al. 2020)", Set.of(CHECKPOINTING, LANGUAGE_MODEL, LOSS_SCALING,
                    VECTORIZED_TASKS), Head.WAYS,
                    List.of(OUTER_LR, INNER_LR, INNER_STEPS, EVAL_STEPS), "body", "",
                    in -> in.cost(in.support(), 0).flatMap(bs -> in.cost(in.query(), 0).map(bq ->
                            IterationFlops.anil(bs, bq, in.head(in.support()), in.head(in.query()), in.innerSteps(),
                                    in.metaBatch(), true))),
                    in -> in.featureForward(in.support()).orElseThrow().plus(in.featureForward(in.query()).orElseThrow())),
            baseline("finetune", "baseline: conventional training on the meta-train classes, then the whole network and a new"
                            + " head fine-tuned per episode", Set.of(CHECKPOINTING, LANGUAGE_MODEL, LOSS_SCALING, VECTORIZED_TASKS), List.of(),
                    PRETRAINING),
            baseline("linear-probe", "baseline: conventional training, then a logistic-regression head on the frozen features"
                    + " per episode", Set.of(CHECKPOINTING, LOSS_SCALING, VECTORIZED_TASKS), List.of(), PRETRAINING),
            baseline("lora", "baseline: conventional training, then rank-r LoRA factors (lora_rank) and a new head per episode",
                    Set.of(CHECKPOINTING, LOSS_SCALING, VECTORIZED_TASKS), List.of(Hyperparameter.count("lora_rank", 1, 16, "rank r of the low-rank update")),
                    PRETRAINING),
            baseline("adapter", "baseline: conventional training, then bottleneck adapters (adapter_size) and a new head per"
                    + " episode", Set.of(CHECKPOINTING, LOSS_SCALING, VECTORIZED_TASKS), List.of(Hyperparameter.count("adapter_size", 4, 64, "bottleneck width")),
                    PRETRAINING));
}

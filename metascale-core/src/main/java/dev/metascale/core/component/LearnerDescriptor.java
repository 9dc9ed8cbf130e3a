package dev.metascale.core.component;

import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.IterationFlops;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the rest of the system knows about a learner without running it: its name and paper, which techniques
 * and tasks it supports, which hyperparameters it reads, the size of the head it is initialised with, and its
 * FLOP formulas. Validation, `metascale list`, the FLOP count and the engine's factory all read this one place.
 *
 * @param name                 the suite name ({@code algorithm.name})
 * @param description          one line with the paper and equation it implements
 * @param capabilities         what it supports
 * @param head                 the head its parameters are initialised with
 * @param hyperparameters      the {@code algorithm} keys it reads besides {@code outer_lr} and {@code meta_batch}
 * @param checkpointed         what activation checkpointing recomputes in it ("query pass only"); "" for all of its
 *                             gradients; ignored without {@link Capability#CHECKPOINTING}
 * @param notForLanguageModels why it does not adapt a language model; ignored with {@link Capability#LANGUAGE_MODEL}
 * @param flops                its analytic FLOPs per meta-iteration (empty: not counted)
 * @param recompute            the extra feature-forward FLOPs of activation checkpointing per task
 */
public record LearnerDescriptor(String name, String description, Set<Capability> capabilities, Head head,
                                List<Hyperparameter> hyperparameters, String checkpointed, String notForLanguageModels,
                                FlopRule flops, RecomputeRule recompute) {

    /** What a learner supports; validation rejects the rest with a reason naming the learners that do. */
    public enum Capability {
        /** Applies activation checkpointing (segment recompute of the model's feature blocks). */
        CHECKPOINTING,
        /**
         * Back-propagates a meta-loss summed over the step's tasks, so the tasks can be chunked, computed on
         * parallel threads and the data-parallel all-reduce overlapped with the last backward.
         */
        META_LOSS,
        /** Adapts a language model (character windows, next-character targets). */
        LANGUAGE_MODEL,
        /** Reads episodes whose number of ways varies (the meta-dataset sampler). */
        VARIABLE_WAYS,
        /** Needs at least one inner step to learn anything. */
        INNER_LOOP,
        /** Differentiates through its inner loop: every inner step's graph stays alive until the meta-backward. */
        SECOND_ORDER,
        /** Computes the meta-batch's tasks as one batched computation ({@code techniques.vectorize_tasks}). */
        VECTORIZED_TASKS,
        /**
         * Forms every gradient through the trial's loss scaler (fp16: the outer meta-gradient and each inner-loop
         * gradient of S·L, divided by S, the step skipped when one overflowed).
         */
        LOSS_SCALING
    }

    /** The outputs of the head a learner's parameters are initialised with. */
    public enum Head {
        /** One output per way of the episode (the MAML family). */
        WAYS,
        /** No head: the learner works on the features (ProtoNet). */
        NONE,
        /** One output per meta-train class (the baselines' pre-training). */
        TRAIN_CLASSES
    }

    /** The analytic FLOPs of one meta-iteration. */
    @FunctionalInterface
    public interface FlopRule {
        Optional<IterationFlops> perIteration(FlopInputs in);

        FlopRule UNCOUNTED = in -> Optional.empty();
    }

    /** The feature-forward FLOPs segment recompute adds for one task. */
    @FunctionalInterface
    public interface RecomputeRule {
        FlopCount perTask(FlopInputs in);

        RecomputeRule NONE = in -> FlopCount.ZERO;
    }

    public LearnerDescriptor {
        capabilities = Set.copyOf(capabilities);
        hyperparameters = List.copyOf(hyperparameters);
    }

    public boolean can(Capability capability) {
        return capabilities.contains(capability);
    }

    /** "maml (query pass only)" or "fomaml": the learner with what checkpointing covers in it. */
    public String checkpointingScope() {
        return checkpointed.isEmpty() ? name : name + " (" + checkpointed + ")";
    }
}

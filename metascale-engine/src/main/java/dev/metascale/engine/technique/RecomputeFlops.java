package dev.metascale.engine.technique;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.FlopInputs;
import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.probe.TrialFlops;

import java.util.Optional;

/**
 * The extra forward FLOPs of activation checkpointing in one meta-iteration
 * ({@link dev.metascale.core.flops.IterationFlops#withRecompute}). {@link SegmentRecompute} re-runs
 * every segment (all feature blocks, not the head) once per checkpointed gradient, so the recompute is
 * one feature forward per checkpointed pass over a batch of examples; each learner's descriptor gives it per task
 * ({@link dev.metascale.core.component.LearnerDescriptor#recompute()}), times the meta-batch B here.
 */
public final class RecomputeFlops {
    private RecomputeFlops() {
    }

    /** Empty when checkpointing is off or the model does not count its FLOPs. */
    public static Optional<FlopCount> perIteration(AlgorithmSpec algorithm, SamplerSpec sampler, Model model,
                                                   TrainingTechniques techniques) {
        if (!techniques.checkpointing()) {
            return Optional.empty();
        }
        FlopInputs in = TrialFlops.inputs(algorithm, sampler, model, 0);
        if (in.featureForward(in.support()).isEmpty() || in.featureForward(in.query()).isEmpty()) {
            return Optional.empty();
        }
        FlopCount perTask = Components.learner(algorithm.name()).map(d -> d.recompute().perTask(in)).orElse(FlopCount.ZERO);
        return Optional.of(perTask.times(algorithm.metaBatch()));
    }

    /** As {@link #perIteration(AlgorithmSpec, SamplerSpec, Model, TrainingTechniques)}, over the tasks as drawn (see TrialFlops). */
    public static Optional<FlopCount> perIteration(AlgorithmSpec algorithm, java.util.List<TrialFlops.TaskShape> tasks,
                                                   long iterations, int ranks, Model model, TrainingTechniques techniques) {
        if (!techniques.checkpointing() || tasks.isEmpty() || iterations < 1) {
            return Optional.empty();
        }
        FlopCount sum = FlopCount.ZERO;
        for (TrialFlops.TaskShape t : tasks) {
            FlopInputs in = TrialFlops.inputs(algorithm.withMetaBatch(1), t, model, 0);
            if (in.featureForward(in.support()).isEmpty() || in.featureForward(in.query()).isEmpty()) {
                return Optional.empty();
            }
            sum = sum.plus(Components.learner(algorithm.name()).map(d -> d.recompute().perTask(in)).orElse(FlopCount.ZERO));
        }
        return Optional.of(sum.times(ranks).dividedBy(iterations));
    }
}

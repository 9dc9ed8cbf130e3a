package dev.metascale.engine.probe;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.FlopInputs;
import dev.metascale.core.flops.ForwardCost;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;

import java.util.Optional;

/**
 * The analytic FLOPs of one meta-iteration of a trial: the model's {@link ForwardCost} at the support and
 * query sizes of the sampler, combined by the learner's formula ({@link dev.metascale.core.component.LearnerDescriptor#flops()},
 * in terms of {@link IterationFlops}). Models other than Conv-4, the MLP and MiniLM contribute their
 * {@code forwardFlops} total ({@link ForwardCost#ofTotal}); learners without a formula give empty (the metric is
 * then absent).
 */
public final class TrialFlops {
    private TrialFlops() {
    }

    /** @param trainClasses outputs of the fine-tuning baseline's head */
    public static Optional<IterationFlops> perIteration(AlgorithmSpec algorithm, SamplerSpec sampler, Model model,
                                                        int trainClasses) {
        return Components.learner(algorithm.name())
                .flatMap(d -> d.flops().perIteration(inputs(algorithm, sampler, model, trainClasses)));
    }

    /** The shape of one task as drawn: its support and query examples and its ways. */
    public record TaskShape(long support, long query, int ways) {
    }

    /**
     * The FLOPs of one meta-iteration as the trial's episodes were actually drawn (variable-shape samplers: the
     * meta-dataset's and the imbalanced one's episodes differ in ways, shots and queries): the learner's formula per
     * task at each drawn task's shape, summed, times {@code ranks} (each rank draws as many tasks, taken to be of the
     * same mean shape), over {@code iterations}.
     */
    public static Optional<IterationFlops> perIteration(AlgorithmSpec algorithm, java.util.List<TaskShape> tasks, long iterations,
                                                        int ranks, Model model, int trainClasses) {
        var descriptor = Components.learner(algorithm.name());
        if (descriptor.isEmpty() || tasks.isEmpty() || iterations < 1) {
            return Optional.empty();
        }
        AlgorithmSpec one = algorithm.withMetaBatch(1);
        IterationFlops sum = null;
        for (TaskShape t : tasks) {
            Optional<IterationFlops> f = descriptor.get().flops().perIteration(inputs(one, t, model, trainClasses));
            if (f.isEmpty()) {
                return Optional.empty();
            }
            sum = sum == null ? f.get() : sum.plus(f.get());
        }
        return Optional.of(sum.times(ranks).dividedBy(iterations));
    }

    /** What the learners' FLOP formulas read of one task of the given shape. */
    public static FlopInputs inputs(AlgorithmSpec algorithm, TaskShape task, Model model, int trainClasses) {
        return new FlopInputs(algorithm, task.support(), task.query(), task.ways(), trainClasses, model.featureDim(),
                (batch, outputs) -> cost(model, batch, outputs));
    }

    /** What the learners' FLOP formulas read of a trial at the sampler's nominal episode shape. */
    public static FlopInputs inputs(AlgorithmSpec algorithm, SamplerSpec sampler, Model model, int trainClasses) {
        return new FlopInputs(algorithm, (long) sampler.ways() * sampler.shots(), (long) sampler.ways() * sampler.query(),
                sampler.ways(), trainClasses, model.featureDim(), (batch, outputs) -> cost(model, batch, outputs));
    }

    /** The forward cost of {@code model} at {@code batch} examples with a head of {@code outputs} (0: features). */
    public static Optional<ForwardCost> cost(Model model, long batch, int outputs) {
        if (model instanceof Mlp mlp) {
            return Optional.of(mlp.forwardCost(batch, outputs));
        }
        if (model instanceof Conv4 conv) {
            return Optional.of(conv.forwardCost(batch, outputs));
        }
        if (model instanceof dev.metascale.engine.model.bert.PretrainedMiniLm minilm) {
            return Optional.of(minilm.forwardCost(batch, outputs));
        }
        var total = model.forwardFlops(batch, outputs);
        return total.isPresent() ? Optional.of(ForwardCost.ofTotal(total.getAsLong())) : Optional.empty();
    }
}

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
import dev.metascale.engine.model.Vit;

import java.util.Optional;

/**
 * The analytic FLOPs of one meta-iteration of a trial: the model's {@link ForwardCost} at the support and
 * query sizes of the sampler, combined by the learner's formula ({@link dev.metascale.core.component.LearnerDescriptor#flops()},
 * in terms of {@link IterationFlops}). Models other than Conv-4, ResNet-12, the MLP, ViT, the char-LM and MiniLM contribute their
 * {@code forwardFlops} total ({@link ForwardCost#ofTotal}); learners without a formula give empty (the metric is
 * then absent).
 */
public final class TrialFlops {
    private TrialFlops() {
    }

    /** @param trainClasses outputs of the fine-tuning baseline's head */
    public static Optional<IterationFlops> perIteration(AlgorithmSpec algorithm, SamplerSpec sampler, Model model,
                                                        int trainClasses) {
        return perIteration(algorithm, sampler, model, trainClasses, (batch, outputs) -> cost(model, batch, outputs));
    }

    private static Optional<IterationFlops> perIteration(AlgorithmSpec algorithm, SamplerSpec sampler, Model model,
                                                         int trainClasses, FlopInputs.ForwardCosts costs) {
        return Components.learner(algorithm.name()).flatMap(d -> d.flops().perIteration(inputs(algorithm, sampler, model, trainClasses, costs)));
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
        return perIteration(algorithm, tasks, iterations, ranks, model, trainClasses, (batch, outputs) -> cost(model, batch, outputs));
    }

    private static Optional<IterationFlops> perIteration(AlgorithmSpec algorithm, java.util.List<TaskShape> tasks, long iterations,
                                                         int ranks, Model model, int trainClasses, FlopInputs.ForwardCosts costs) {
        var descriptor = Components.learner(algorithm.name());
        if (descriptor.isEmpty() || tasks.isEmpty() || iterations < 1) {
            return Optional.empty();
        }
        AlgorithmSpec one = algorithm.withMetaBatch(1);
        IterationFlops sum = null;
        for (TaskShape t : tasks) {
            Optional<IterationFlops> f = descriptor.get().flops().perIteration(inputs(one, t, model, trainClasses, costs));
            if (f.isEmpty()) {
                return Optional.empty();
            }
            sum = sum == null ? f.get() : sum.plus(f.get());
        }
        return Optional.of(sum.times(ranks).dividedBy(iterations));
    }

    /** What the learners' FLOP formulas read of one task of the given shape. */
    public static FlopInputs inputs(AlgorithmSpec algorithm, TaskShape task, Model model, int trainClasses) {
        return inputs(algorithm, task, model, trainClasses, (batch, outputs) -> cost(model, batch, outputs));
    }

    private static FlopInputs inputs(AlgorithmSpec algorithm, TaskShape task, Model model, int trainClasses, FlopInputs.ForwardCosts costs) {
        return new FlopInputs(algorithm, task.support(), task.query(), task.ways(), trainClasses, model.featureDim(), costs);
    }

    /** What the learners' FLOP formulas read of a trial at the sampler's nominal episode shape. */
    public static FlopInputs inputs(AlgorithmSpec algorithm, SamplerSpec sampler, Model model, int trainClasses) {
        return inputs(algorithm, sampler, model, trainClasses, (batch, outputs) -> cost(model, batch, outputs));
    }

    private static FlopInputs inputs(AlgorithmSpec algorithm, SamplerSpec sampler, Model model, int trainClasses,
                                     FlopInputs.ForwardCosts costs) {
        return new FlopInputs(algorithm, (long) sampler.ways() * sampler.shots(), (long) sampler.ways() * sampler.query(),
                sampler.ways(), trainClasses, model.featureDim(), costs);
    }

    /**
     * What Kineto's FLOP counter sees of one iteration of one rank, to compare with its count like with like: it
     * assigns FLOPs to {@code aten::mm}, {@code addmm}, {@code bmm}, {@code baddbmm} and the forward
     * {@code aten::conv2d} only, so a convolution's backward and double backward (autograd's
     * {@code convolution_backward}, {@code _convolution_double_backward}) are invisible to it while its forward,
     * every dense product (forward, backward, second order) and checkpointing's recomputed forwards are seen. This is
     * {@code iteration}'s matmul FLOPs (recompute included) less the backward and second-order work of the
     * convolutions. Empty when the model does not split its convolutions out ({@link #convolutionCost}) or when a
     * solver runs convolution backwards in a mix this count cannot apportion (iMAML on a convolutional model).
     *
     * @param iteration the trial's per-rank FLOPs of one iteration at the same shapes, recompute included
     */
    public static Optional<Long> profilerVisible(AlgorithmSpec algorithm, SamplerSpec sampler, Model model, int trainClasses,
                                                 IterationFlops iteration) {
        if (convolutionCost(model, 1, 0).isEmpty()) {
            return Optional.empty();
        }
        return perIteration(algorithm, sampler, model, trainClasses, (batch, outputs) -> convolutionCost(model, batch, outputs))
                .flatMap(conv -> visible(iteration, conv));
    }

    /** {@link #profilerVisible} over drawn tasks (variable-shape samplers): those of the profiled iterations. */
    public static Optional<Long> profilerVisible(AlgorithmSpec algorithm, java.util.List<TaskShape> tasks, long iterations, Model model,
                                                 int trainClasses, IterationFlops iteration) {
        if (convolutionCost(model, 1, 0).isEmpty()) {
            return Optional.empty();
        }
        return perIteration(algorithm, tasks, iterations, 1, model, trainClasses, (batch, outputs) -> convolutionCost(model, batch, outputs))
                .flatMap(conv -> visible(iteration, conv));
    }

    private static Optional<Long> visible(IterationFlops iteration, IterationFlops convolutions) {
        if (convolutions.solver().total() > 0) {
            return Optional.empty();
        }
        return Optional.of(iteration.total().matmul() - convolutions.backward().matmul() - convolutions.secondOrder().matmul());
    }

    /**
     * The convolutions alone of {@code model}'s forward (their products, the first one's input being data): zero for
     * a model without convolutions that splits its costs (MLP, ViT, MiniLM); empty for a model that reports only a
     * forward total, whose convolutions cannot be told apart.
     */
    public static Optional<ForwardCost> convolutionCost(Model model, long batch, int outputs) {
        if (model instanceof Conv4 conv) {
            return Optional.of(conv.convolutionCost(batch));
        }
        if (model instanceof dev.metascale.engine.model.ResNet12 resnet) {
            return Optional.of(resnet.convolutionCost(batch));
        }
        if (model instanceof Mlp || model instanceof Vit || model instanceof dev.metascale.engine.model.CharLm
                || model instanceof dev.metascale.engine.model.bert.PretrainedMiniLm) {
            return Optional.of(new ForwardCost(dev.metascale.core.flops.FlopCount.ZERO, 0, 0));
        }
        return Optional.empty();
    }

    /** The forward cost of {@code model} at {@code batch} examples with a head of {@code outputs} (0: features). */
    public static Optional<ForwardCost> cost(Model model, long batch, int outputs) {
        if (model instanceof Mlp mlp) {
            return Optional.of(mlp.forwardCost(batch, outputs));
        }
        if (model instanceof Conv4 conv) {
            return Optional.of(conv.forwardCost(batch, outputs));
        }
        if (model instanceof Vit vit) {
            return Optional.of(vit.forwardCost(batch, outputs));
        }
        if (model instanceof dev.metascale.engine.model.ResNet12 resnet) {
            return Optional.of(resnet.forwardCost(batch, outputs));
        }
        if (model instanceof dev.metascale.engine.model.CharLm lm) {
            return Optional.of(lm.forwardCost(batch, outputs));
        }
        if (model instanceof dev.metascale.engine.model.bert.PretrainedMiniLm minilm) {
            return Optional.of(minilm.forwardCost(batch, outputs));
        }
        var total = model.forwardFlops(batch, outputs);
        return total.isPresent() ? Optional.of(ForwardCost.ofTotal(total.getAsLong())) : Optional.empty();
    }
}

package dev.metascale.engine.technique;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * How a learner's gradients are computed, apart from what they are — as {@code torch.optim} keeps its
 * single-tensor, multi-tensor and fused implementations of one update rule apart. A learner states its
 * mathematics as losses of the model's features ({@link FeatureLoss}, {@link TaskObjective}); this applies the
 * trial's {@link TrainingTechniques} around them:
 * <ul>
 *   <li>activation checkpointing: features and their gradients segment by segment ({@link SegmentRecompute}),
 *       the loss's own graph kept whole; otherwise the plain graph;</li>
 *   <li>task chunking ({@link TaskChunks}) and parallel tasks ({@link TaskParallel}) of a meta-objective;</li>
 *   <li>data parallelism: the last backward of a step all-reduces the gradient bucket as it becomes final
 *       ({@code overlap_allreduce}); the outer optimiser averages the bucket over the ranks;</li>
 *   <li>a plugin technique ({@link TechniquePlugin}) the trial sets: its {@link BackwardTechnique} instead.</li>
 * </ul>
 * Precision (autocast) is entered around the whole trial ({@link Precision}).
 */
public final class GradientStrategy {

    /** A loss from the features of the inputs (computed when asked, in the order asked) and the weights holding the head. */
    @FunctionalInterface
    public interface FeatureLoss {
        Tensor apply(IntFunction<Tensor> features, ParamSet weights);
    }

    /** One task's term of a meta-objective (1/B) Σ_T loss_T. */
    public interface TaskObjective<T> {
        /** The weights the task's loss is evaluated at: the meta-parameters θ, or fast weights θ'(θ) whose graph leads to θ. */
        ParamSet weights(T task);

        /** The inputs whose features the loss reads. */
        List<Tensor> inputs(T task);

        /** The task's loss. */
        Tensor loss(T task, IntFunction<Tensor> features, ParamSet weights);

        /**
         * The objective of a learner whose task loss is evaluated at the meta-parameters themselves (ProtoNet, ANIL's
         * body, the baselines' pre-training): {@code weights} gives θ when asked (a learner's field may be assigned
         * after this objective is made), {@code inputs} the task's inputs, {@code loss} the loss of their features.
         */
        static <T> TaskObjective<T> at(java.util.function.Supplier<ParamSet> weights, java.util.function.Function<T, List<Tensor>> inputs,
                                       TaskLoss<T> loss) {
            return new TaskObjective<>() {
                @Override
                public ParamSet weights(T task) {
                    return weights.get();
                }

                @Override
                public List<Tensor> inputs(T task) {
                    return inputs.apply(task);
                }

                @Override
                public Tensor loss(T task, IntFunction<Tensor> features, ParamSet w) {
                    return loss.apply(task, features, w);
                }
            };
        }
    }

    /** A task's loss from the features of its inputs and the weights. */
    @FunctionalInterface
    public interface TaskLoss<T> {
        Tensor apply(T task, IntFunction<Tensor> features, ParamSet weights);
    }

    private final Model model;
    private final TrainingTechniques techniques;
    private final SegmentRecompute recompute;

    GradientStrategy(Model model, TrainingTechniques techniques) {
        this.model = model;
        this.techniques = techniques;
        this.recompute = techniques.checkpointing() ? new SegmentRecompute(model, techniques.checkpointSegments(),
                techniques.offload()) : null;
    }

    public boolean checkpointing() {
        return recompute != null;
    }

    /**
     * The loss and ∇_w loss for every tensor of {@code w} (zeros for tensors it does not read), no graph kept: one
     * first-order gradient (an inner step, a pre-training step, iMAML's query gradient).
     */
    public SegmentRecompute.Gradients gradients(ParamSet w, List<Tensor> inputs, FeatureLoss loss) {
        return gradients(w, inputs, loss, model::features, recompute);
    }

    /**
     * How the features of a meta-batch computed as one batch ({@code techniques.vectorize_tasks}) are formed: under
     * weights the tasks share ({@link Model#sharedTaskFeatures}: ProtoNet, ANIL's body), or under per-task weights with a
     * leading task dimension ({@link Model#taskFeatures}: MAML's fast weights).
     */
    public enum TaskWeights {
        SHARED, PER_TASK;

        Tensor features(Model model, ParamSet w, Tensor images) {
            return this == SHARED ? model.sharedTaskFeatures(w, images) : model.taskFeatures(w, images);
        }

        dev.metascale.engine.model.FeatureBlock block(Model model) {
            return this == SHARED ? model::sharedTaskFeatureBlock : model::taskFeatureBlock;
        }
    }

    /**
     * {@link #gradients} of a loss of the meta-batch's stacked inputs [B, n, …] computed as one batch: FOMAML's
     * vectorized inner gradients. With checkpointing the batched blocks are segment-recomputed.
     */
    public SegmentRecompute.Gradients batchedGradients(ParamSet w, TaskWeights weights, List<Tensor> stackedInputs,
                                                       FeatureLoss loss) {
        return gradients(w, stackedInputs, loss, (p, x) -> weights.features(model, p, x),
                recompute == null ? null : recompute.over(weights.block(model)));
    }

    private SegmentRecompute.Gradients gradients(ParamSet w, List<Tensor> inputs, FeatureLoss loss,
                                                 java.util.function.BiFunction<ParamSet, Tensor, Tensor> features,
                                                 SegmentRecompute segments) {
        LossScaler scaler = LossScaler.current(); // fp16: the gradients of S·loss, divided by S
        if (segments != null) {
            SegmentRecompute.Gradients g = segments.gradients(w, inputs,
                    (f, leaves) -> scaler.scaled(loss.apply(f::get, leaves)));
            if (!scaler.active()) {
                return g;
            }
            org.bytedeco.pytorch.Scalar inverse = new org.bytedeco.pytorch.Scalar(1.0 / scaler.scale());
            return new SegmentRecompute.Gradients(g.loss() / scaler.scale(), g.gradients().stream().map(t -> t.mul(inverse)).toList());
        }
        Tensor value = loss.apply(i -> features.apply(w, inputs.get(i)), w);
        List<Tensor> g = scaler.innerGradient(value, w.vector(), false, true);
        List<Tensor> out = new ArrayList<>(w.size());
        for (int i = 0; i < w.size(); i++) {
            Tensor gi = g.get(i);
            out.add(gi.defined() ? gi : torch.zeros_like(w.tensors().get(i)));
        }
        return new SegmentRecompute.Gradients(value.item_double(), out);
    }

    /**
     * Back-propagates a loss of the meta-batch's stacked inputs [B, n, …], computed as one batch at {@code w}
     * ({@code techniques.vectorize_tasks}), into the {@code .grad} of the leaves behind {@code w} (θ itself, or θ through
     * the graph of per-task fast weights); returns the loss. Plain: one backward of the whole graph. Checkpointed: the
     * batched blocks are segment-recomputed ({@link SegmentRecompute}) — one segment of all B tasks alive at a time —
     * giving ∂loss/∂w, then back-propagated into θ ({@link SegmentRecompute#backwardInto}).
     */
    public double batchedBackward(ParamSet w, TaskWeights weights, List<Tensor> stackedInputs, FeatureLoss loss) {
        LossScaler scaler = LossScaler.current(); // fp16: S·loss back-propagated (the outer optimiser unscales)
        if (recompute == null) {
            Tensor value = loss.apply(i -> weights.features(model, w, stackedInputs.get(i)), w);
            scaler.scaled(value).backward();
            return value.item_double();
        }
        SegmentRecompute.Gradients g = recompute.over(weights.block(model)).gradients(w, stackedInputs,
                (f, leaves) -> loss.apply(f::get, leaves));
        SegmentRecompute.backwardInto(w, g.gradients(), scaler.scale());
        return g.loss();
    }

    /**
     * Accumulates the meta-gradient ∇θ (1/B) Σ_T loss_T into the {@code .grad} of {@code params}; returns the mean
     * loss. Plain: chunk by chunk, or {@code parallel_tasks} at a time, the last backward overlapped with the
     * data-parallel all-reduce when asked. Checkpointed: task by task, each task's gradient at its weights
     * segment-recomputed and back-propagated into θ through whatever graph links the weights to θ.
     */
    public <T> double metaGradient(ParamSet params, List<T> tasks, TaskObjective<T> objective) {
        if (recompute == null) {
            return backward(tasks, params, task -> taskLoss(task, objective));
        }
        double total = 0;
        for (T task : tasks) {
            // the task's fast weights, inner-step graphs and every handle of its recompute freed before the next task:
            // without this scope they all stayed attached to the iteration's until it ended (ChunkMemoryTest)
            try (org.bytedeco.javacpp.PointerScope taskScope = new org.bytedeco.javacpp.PointerScope()) {
                ParamSet w = objective.weights(task);
                SegmentRecompute.Gradients g = recompute.gradients(w, objective.inputs(task),
                        (features, leaves) -> objective.loss(task, features::get, leaves));
                // fp16: θ's .grad accumulates S·∇ (the outer optimiser divides by S after checking it is finite)
                SegmentRecompute.backwardInto(w, g.gradients(), LossScaler.current().scale() / tasks.size());
                total += g.loss() / tasks.size();
            }
        }
        return total;
    }

    /** One task's loss with its whole graph (the plain definition, also what gradient checks differentiate). */
    public <T> Tensor taskLoss(T task, TaskObjective<T> objective) {
        ParamSet w = objective.weights(task);
        List<Tensor> inputs = objective.inputs(task);
        return objective.loss(task, i -> model.features(w, inputs.get(i)), w);
    }

    /** Back-propagates (1/B) Σ loss(task) into {@code params}' {@code .grad} by the techniques' chunking and threads. */
    private <T> double backward(List<T> tasks, ParamSet params, Function<T, Tensor> unscaled) {
        LossScaler scaler = LossScaler.current();
        if (scaler.active()) { // fp16: S·loss back-propagated (the outer optimiser unscales), the mean loss reported unscaled
            return backwardLosses(tasks, params, task -> scaler.scaled(unscaled.apply(task))) / scaler.scale();
        }
        return backwardLosses(tasks, params, unscaled);
    }

    private <T> double backwardLosses(List<T> tasks, ParamSet params, Function<T, Tensor> loss) {
        Map<String, Object> plugins = techniques.backwardOptions();
        if (!plugins.isEmpty()) {
            if (plugins.size() > 1) {
                throw new IllegalStateException("techniques " + plugins.keySet() + " each decide how the tasks are"
                        + " back-propagated: their descriptors' constraints must exclude one another; set one of them");
            }
            Map.Entry<String, Object> option = plugins.entrySet().iterator().next();
            BackwardTechnique technique = Techniques.backward(option.getKey()).orElseThrow(() -> new IllegalStateException(
                    "technique '" + option.getKey() + "' has no engine implementation (a TechniquePlugin)"));
            return technique.backward(tasks, params, loss, option.getValue());
        }
        if (techniques.parallelTasks() > 1) {
            return TaskParallel.backward(tasks, techniques.parallelTasks(), params, loss);
        }
        if (techniques.overlapAllreduce() && techniques.dataParallel().isPresent()) {
            // the last backward all-reduces the gradient bucket's segments as they become final
            return TaskChunks.backward(tasks, techniques.chunk(), loss, techniques.dataParallel().get()::lastBackward);
        }
        return TaskChunks.backward(tasks, techniques.chunk(), loss);
    }

    /**
     * The record of what was applied ({@code env.checkpointing}): the requested settings, the segments in use with
     * what the learner's gradients {@code checkpointed} cover, and the chunking.
     */
    public ObjectNode describe(String checkpointed, String chunking) {
        return techniques.describe(recompute, checkpointed, chunking);
    }

    /** The chunking of a learner whose meta-objective goes through {@link #metaGradient} with chunks and threads. */
    public String chunkingDescription() {
        return techniques.chunkingDescription(recompute != null);
    }
}

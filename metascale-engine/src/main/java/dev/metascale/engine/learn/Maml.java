package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.GradientStrategy;
import dev.metascale.engine.technique.SegmentRecompute;
import dev.metascale.engine.technique.TaskChunks;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Model-Agnostic Meta-Learning, second order.
 *
 * <p>Finn, Abbeel and Levine, "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
 * ICML 2017, Algorithm 2. For each task T_i the inner loop takes {@code k} SGD steps on the support
 * loss, starting from the meta-parameters (eq. 1):
 * <pre>  θ'_i ← θ'_i − α ∇_{θ'_i} L^{support}_{T_i}(f_{θ'_i}),   θ'_i = θ at the start</pre>
 * and the outer loop minimises the query loss of the adapted parameters (eq. 3–4):
 * <pre>  θ ← Adam(θ, ∇_θ (1/B) Σ_i L^{query}_{T_i}(f_{θ'_i}))</pre>
 * The meta-gradient flows back through every inner step: the inner gradients are taken with
 * {@code create_graph = true}, so the update contains the Hessian-vector products of the support loss.
 * Each task's query loss is back-propagated as soon as it is formed, so only one task's graph is alive
 * at a time; the accumulated gradient is the same as that of the summed loss.
 *
 * <p>{@link FoMaml} is this algorithm with the inner gradients treated as constants.
 *
 * <p>Techniques ({@link TrainingTechniques}). Task chunking: {@code chunk} tasks' query losses are
 * summed and back-propagated together ({@link TaskChunks}). Activation checkpointing
 * ({@link SegmentRecompute}): FOMAML recomputes every gradient, the inner support gradients and the
 * query gradient. Second-order MAML keeps the inner steps' graphs whole (their double-backward needs
 * the support activations of every step, which a plain gradient call cannot recompute); only the
 * query forward and backward at the fast weights θ' are segment-recomputed, giving ∂L^{query}/∂θ',
 * which is then back-propagated through the kept inner-step graphs into θ
 * ({@link SegmentRecompute#backwardInto}). With checkpointing the tasks go one at a time.
 * Vectorized tasks ({@code techniques.vectorize_tasks}): the meta-batch as one batched computation, what
 * {@code torch.func.vmap} gives MAML — θ broadcast to B per-task copies θ'_{1..B} (one tensor with a leading task
 * dimension, {@link Model#taskLogits}), each inner step on the summed support loss Σ_i L^{support}_{T_i}, whose gradient
 * in θ'_i is task i's own (the tasks share no weights), and one backward of (1/B) Σ_i L^{query}_{T_i}: the same
 * meta-gradient, with B tasks per kernel instead of one. With checkpointing too, the batched blocks
 * ({@link Model#taskFeatureBlock}) are segment-recomputed where the loop recomputes one task's: FOMAML's inner
 * gradients and query gradient, second-order MAML's query pass at the B tasks' fast weights.
 */
public class Maml implements MetaLearner {
    private final Model model;
    private final ParamSet params;
    private final double innerLr;
    private final int innerSteps;
    private final int evalInnerSteps;
    private final boolean firstOrder;
    private final OuterOptimizer optimizer;
    private final GradientStrategy gradients;
    private final boolean vectorized;
    private final int vectorChunk;

    public Maml(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr) {
        this(model, params, innerLr, innerSteps, evalInnerSteps, outerLr, false);
    }

    public Maml(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr,
                TrainingTechniques techniques) {
        this(model, params, innerLr, innerSteps, evalInnerSteps, outerLr, false, techniques);
    }

    Maml(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, boolean firstOrder) {
        this(model, params, innerLr, innerSteps, evalInnerSteps, outerLr, firstOrder, TrainingTechniques.NONE);
    }

    Maml(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, boolean firstOrder,
         TrainingTechniques techniques) {
        this.gradients = techniques.strategy(model);
        this.vectorized = techniques.vectorizeTasks();
        this.vectorChunk = techniques.chunk();
        if (vectorized && !model.batchesTasks()) {
            throw new IllegalArgumentException("vectorize_tasks needs a model that computes tasks as one batch (mlp, conv4), not "
                    + model.name() + "; remove vectorize_tasks");
        }
        this.model = model;
        this.params = params;
        this.innerLr = innerLr;
        this.innerSteps = innerSteps;
        this.evalInnerSteps = evalInnerSteps;
        this.firstOrder = firstOrder;
        this.optimizer = new OuterOptimizer(params, outerLr, techniques.dataParallel());
    }

    /**
     * The inner loop: {@code steps} SGD steps on the support loss from {@code start}.
     *
     * @param differentiable keep the graph of each step (second order) or treat the gradients as constants
     */
    public ParamSet adapt(ParamSet start, Episode task, int steps, boolean differentiable) {
        ParamSet fast = start;
        Scalar alpha = new Scalar(innerLr);
        for (int s = 0; s < steps; s++) {
            if (differentiable) {
                fast = InnerSgd.differentiableStep(fast, Losses.crossEntropy(model.logits(fast, task.supportX()), task.supportY()),
                        innerLr);
                continue;
            }
            List<Tensor> grads = gradients.gradients(fast, List.of(task.supportX()),
                    (features, w) -> Losses.crossEntropy(LinearHead.apply(w, features.apply(0)), task.supportY())).gradients();
            List<Tensor> next = new ArrayList<>(fast.size());
            for (int i = 0; i < fast.size(); i++) {
                next.add(fast.tensors().get(i).sub(grads.get(i), alpha));
            }
            fast = fast.withTensors(next);
        }
        return fast;
    }

    /** Query loss of the adapted parameters for one task: the term of the meta-objective. */
    public Tensor taskMetaLoss(Episode task) {
        return gradients.taskLoss(task, objective);
    }

    /** The meta-objective's term of one task: the query loss at the adapted weights θ'_i (eq. 3). */
    private final GradientStrategy.TaskObjective<Episode> objective = new GradientStrategy.TaskObjective<>() {
        @Override
        public ParamSet weights(Episode task) {
            return adapt(params, task, innerSteps, !firstOrder);
        }

        @Override
        public List<Tensor> inputs(Episode task) {
            return List.of(task.queryX());
        }

        @Override
        public Tensor loss(Episode task, java.util.function.IntFunction<Tensor> features, ParamSet fast) {
            return Losses.crossEntropy(LinearHead.apply(fast, features.apply(0)), task.queryY());
        }
    };

    /** Accumulates the meta-gradient of the batch into the parameters' {@code .grad()}; returns the mean loss. */
    public double accumulateMetaGradient(List<Episode> tasks) {
        return vectorized ? vectorizedMetaGradient(tasks) : gradients.metaGradient(params, tasks, objective);
    }

    /**
     * The meta-gradient with the B tasks as one batched computation (see the class comment): θ expanded to [B, …]
     * (a view; its backward sums the tasks' gradients into θ), the inner steps on Σ_i L^{support}_i, then
     * (1/B) Σ_i L^{query}_i back-propagated once. Every task has the same support and query sizes (a fixed sampler), so
     * the mean cross-entropy over all B·n examples is (1/B) Σ_i of the tasks' means.
     */
    private double vectorizedMetaGradient(List<Episode> tasks) {
        return TaskBatch.inGroups(tasks, vectorChunk, this::vectorizedGroup);
    }

    /** One batched computation of {@code tasks}: its mean query loss times {@code share} back-propagated; returns that. */
    private double vectorizedGroup(List<Episode> tasks, double share) {
        long b = tasks.size();
        Tensor supportX = TaskBatch.stack(tasks, Episode::supportX);
        Tensor supportY = TaskBatch.stack(tasks, Episode::supportY);
        Tensor queryY = TaskBatch.stack(tasks, Episode::queryY);
        ParamSet fast = TaskBatch.perTask(params, b);
        Scalar tasksScale = new Scalar((double) b);
        Scalar alpha = new Scalar(innerLr);
        for (int s = 0; s < innerSteps; s++) {
            if (!firstOrder) { // the inner graphs kept whole: their double-backward needs every step's support activations
                Tensor support = TaskBatch.meanCrossEntropy(model.taskLogits(fast, supportX), supportY).mul(tasksScale); // Σ_i L_i
                fast = InnerSgd.differentiableStep(fast, support, innerLr);
                continue;
            }
            List<Tensor> grads = gradients.batchedGradients(fast, GradientStrategy.TaskWeights.PER_TASK, List.of(supportX),
                    (features, w) -> TaskBatch.meanCrossEntropy(LinearHead.applyPerTask(w, features.apply(0)), supportY)
                            .mul(tasksScale)).gradients();
            List<Tensor> next = new ArrayList<>(fast.size());
            for (int i = 0; i < fast.size(); i++) {
                next.add(fast.tensors().get(i).sub(grads.get(i), alpha));
            }
            fast = fast.withTensors(next);
        }
        return gradients.batchedBackward(fast, GradientStrategy.TaskWeights.PER_TASK, List.of(TaskBatch.stack(tasks, Episode::queryX)),
                (features, w) -> {
                    Tensor query = TaskBatch.meanCrossEntropy(LinearHead.applyPerTask(w, features.apply(0)), queryY);
                    return share != 1.0 ? query.mul(new Scalar(share)) : query;
                });
    }

    @Override
    public com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        return gradients.describe(firstOrder
                    ? "inner support gradients and query gradient (all feature blocks)"
                    : "query forward/backward at the fast weights only; inner-step graphs kept whole (second order)",
                vectorized ? TaskBatch.chunking(vectorChunk) : gradients.chunkingDescription());
    }

    /** The meta-gradient the step would apply, from {@link #accumulateMetaGradient}; {@code .grad} released after. */
    @Override
    public java.util.Optional<OuterDirection> outerDirection(List<Episode> tasks) {
        return java.util.Optional.of(new OuterDirection(optimizer.gradientOf(() -> accumulateMetaGradient(tasks)), true));
    }

    @Override
    public double metaStep(List<Episode> tasks) {
        optimizer.zeroGrad();
        double loss = accumulateMetaGradient(tasks);
        optimizer.step();
        return loss;
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        ParamSet fast = adapt(params, episode, evalInnerSteps, false);
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(model.logits(fast, episode.queryX()));
        }
    }

    /** {@code eval_inner_steps} SGD steps on the support loss (as {@link #adaptAndPredict}), then the query loss. */
    @Override
    public double adaptAndQueryLoss(Episode episode) {
        ParamSet fast = adapt(params, episode, evalInnerSteps, false);
        return MetaLearner.queryLoss(model, fast, episode);
    }

    @Override
    public java.util.OptionalLong outerStateBytes() {
        return java.util.OptionalLong.of(optimizer.stateBytes());
    }

    @Override
    public ParamSet parameters() {
        return params;
    }

    /** Zeroes the accumulated gradients (for callers that inspect {@link #accumulateMetaGradient}). */
    public void zeroGrad() {
        optimizer.zeroGrad();
    }
}

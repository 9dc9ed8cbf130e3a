package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.GradientStrategy;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * ANIL: Almost No Inner Loop.
 *
 * <p>Raghu, Raghu, Bengio and Vinyals, "Rapid Learning or Feature Reuse? Towards Understanding the
 * Effectiveness of MAML", ICLR 2020, sec. 4. The parameters split into a body θ_b (the backbone)
 * and a head θ_h (the linear classifier). The inner loop adapts the head only, on the body's
 * features of the support set:
 * <pre>  θ'_h ← θ'_h − α ∇_{θ'_h} L^{support}(θ'_h; f_{θ_b}),   θ'_h = θ_h at the start</pre>
 * and the outer loop updates body and head on the query loss of the adapted head,
 * <pre>  (θ_b, θ_h) ← Adam((θ_b, θ_h), ∇ (1/B) Σ_i L^{query}_{T_i}(θ'_{h,i}; f_{θ_b}))</pre>
 * second order through the head's inner steps (their gradients are taken with create_graph, so
 * ∂θ'_h/∂θ_b and ∂θ'_h/∂θ_h are exact). The body's features are computed once per task: the inner
 * loop never changes the body, and the body's gradient comes from the outer loss alone.
 *
 * <p>Activation checkpointing ({@link SegmentRecompute}) covers the body entirely: its support and
 * query features are segment-recomputed, and only the head's inner steps and the query loss (the
 * second-order part, on the features) keep their graph. Task chunking does not apply here (chunk 0).
 *
 * <p>With {@code vectorize_tasks} the meta-batch is one batched computation: the body embeds every task's support
 * set as one batch and its query sets as another ({@link Model#sharedTaskFeatures}, each task's batch-norm
 * statistics its own), the head is expanded to B per-task copies (a view whose backward sums the tasks' gradients
 * into θ_h), each inner step is one batched product ({@link LinearHead#applyPerTask}) on Σ_i L^{support}_i — task i's
 * head gradient is its own — and (1/B) Σ_i L^{query}_i is back-propagated once. With checkpointing too, the batched
 * body is segment-recomputed ({@link Model#sharedTaskFeatureBlock}) and the heads' inner steps keep their graph.
 */
public final class Anil implements MetaLearner {
    private final Model model;
    private final ParamSet params;
    private final double innerLr;
    private final int innerSteps;
    private final int evalInnerSteps;
    private final OuterOptimizer optimizer;
    private final GradientStrategy gradients;
    private final boolean vectorized;

    /** @param params body plus a {@code ways}-way head ({@link LinearHead}) */
    public Anil(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr) {
        this(model, params, innerLr, innerSteps, evalInnerSteps, outerLr, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of the body; chunk must be 0 */
    public Anil(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr,
                TrainingTechniques techniques) {
        if (techniques.chunk() > 0) {
            throw new IllegalArgumentException("task chunking is implemented for maml, fomaml and protonet, not anil; use chunk: 0");
        }
        this.gradients = techniques.strategy(model);
        this.vectorized = techniques.vectorizeTasks();
        if (vectorized && !model.batchesTasks()) {
            throw new IllegalArgumentException("vectorize_tasks needs a model that computes tasks as one batch (mlp, conv4), not "
                    + model.name() + "; remove vectorize_tasks");
        }
        if (!params.has(LinearHead.WEIGHT)) {
            throw new IllegalArgumentException("ANIL adapts a linear head, but the parameters have none: initialise the model with outputs = ways");
        }
        this.model = model;
        this.params = params;
        this.innerLr = innerLr;
        this.innerSteps = innerSteps;
        this.evalInnerSteps = evalInnerSteps;
        this.optimizer = new OuterOptimizer(params, outerLr, techniques.dataParallel());
    }

    /** The adapted head from support features (differentiable: second order through the steps). */
    private ParamSet adaptHead(Tensor supportFeatures, Tensor supportY, int steps, boolean differentiable) {
        return adaptHead(params.select(LinearHead.PREFIX), supportFeatures, supportY, steps, differentiable);
    }

    private ParamSet adaptHead(ParamSet start, Tensor supportFeatures, Tensor supportY, int steps, boolean differentiable) {
        ParamSet head = start;
        for (int s = 0; s < steps; s++) {
            Tensor loss = Losses.crossEntropy(LinearHead.apply(head, supportFeatures), supportY);
            head = InnerSgd.step(head, loss, innerLr, differentiable);
        }
        return head;
    }

    /**
     * The inner loop on a task: the meta-parameters with the head replaced by the adapted head; the
     * body's tensors are the meta-parameters themselves (the same objects).
     */
    public ParamSet adapt(Episode task, int steps, boolean differentiable) {
        return params.with(adaptHead(model.features(params, task.supportX()), task.supportY(), steps, differentiable));
    }

    /**
     * The term of the meta-objective: the query loss of the head adapted on the support features
     * (second order through the head's steps), differentiable in body and head.
     */
    private final GradientStrategy.TaskObjective<Episode> objective = GradientStrategy.TaskObjective.at(this::parameters,
            task -> List.of(task.supportX(), task.queryX()),
            this::objectiveLoss);

    /** The query loss of the head adapted on the support features (second order through the head's steps). */
    private Tensor objectiveLoss(Episode task, java.util.function.IntFunction<Tensor> features, ParamSet weights) {
        ParamSet head = adaptHead(weights.select(LinearHead.PREFIX), features.apply(0), task.supportY(), innerSteps, true);
        return Losses.crossEntropy(LinearHead.apply(head, features.apply(1)), task.queryY());
    }

    /** Query loss of the adapted head: the term of the meta-objective (differentiable in body and head). */
    public Tensor taskMetaLoss(Episode task) {
        return gradients.taskLoss(task, objective);
    }

    /** Accumulates the meta-gradient into the parameters' {@code .grad()}, task by task; returns the mean query loss. */
    public double accumulateMetaGradient(List<Episode> tasks) {
        return vectorized ? TaskBatch.inGroups(tasks, 0, this::vectorizedGroup) : gradients.metaGradient(params, tasks, objective);
    }

    /** The meta-batch as one batched computation (see the class comment): its mean query loss back-propagated; returns it. */
    private double vectorizedGroup(List<Episode> tasks, double share) {
        long b = tasks.size();
        Tensor supportY = TaskBatch.stack(tasks, Episode::supportY);
        Tensor queryY = TaskBatch.stack(tasks, Episode::queryY);
        org.bytedeco.pytorch.Scalar tasksScale = new org.bytedeco.pytorch.Scalar((double) b);
        return gradients.batchedBackward(params, GradientStrategy.TaskWeights.SHARED,
                List.of(TaskBatch.stack(tasks, Episode::supportX), TaskBatch.stack(tasks, Episode::queryX)),
                (features, weights) -> {
                    Tensor support = features.apply(0);                                                  // [B, s, d]
                    ParamSet head = TaskBatch.perTask(weights.select(LinearHead.PREFIX), b);
                    for (int s = 0; s < innerSteps; s++) {
                        Tensor loss = TaskBatch.meanCrossEntropy(LinearHead.applyPerTask(head, support), supportY).mul(tasksScale); // Σ_i L_i
                        head = InnerSgd.step(head, loss, innerLr, true);
                    }
                    Tensor loss = TaskBatch.meanCrossEntropy(LinearHead.applyPerTask(head, features.apply(1)), queryY); // [B, q, d]
                    return share != 1.0 ? loss.mul(new org.bytedeco.pytorch.Scalar(share)) : loss;
                });
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
        return Losses.argmax(adaptedQueryLogits(episode));
    }

    /** The head adapted on the frozen support features (as {@link #adaptAndPredict}), then the query loss. */
    @Override
    public double adaptAndQueryLoss(Episode episode) {
        return Losses.crossEntropy(adaptedQueryLogits(episode), episode.queryY()).item_double();
    }

    /**
     * Test-time adaptation: the head takes {@code eval_inner_steps} steps on the frozen support features; the
     * query logits of the adapted head, without a graph.
     */
    private Tensor adaptedQueryLogits(Episode episode) {
        Tensor support;
        Tensor query;
        try (NoGradGuard guard = new NoGradGuard()) {
            support = model.features(params, episode.supportX());
            query = model.features(params, episode.queryX());
        }
        ParamSet head = adaptHead(support, episode.supportY(), evalInnerSteps, false);
        try (NoGradGuard guard = new NoGradGuard()) {
            return LinearHead.apply(head, query);
        }
    }

    @Override
    public java.util.OptionalLong outerStateBytes() {
        return java.util.OptionalLong.of(optimizer.stateBytes());
    }

    @Override
    public ParamSet parameters() {
        return params;
    }

    @Override
    public com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        return gradients.describe("the body's support and query features; the head's second-order inner steps keep their graph",
                vectorized ? TaskBatch.chunking(0) : "task by task");
    }

    /** Zeroes the accumulated gradients (for callers that inspect {@link #accumulateMetaGradient}). */
    public void zeroGrad() {
        optimizer.zeroGrad();
    }
}

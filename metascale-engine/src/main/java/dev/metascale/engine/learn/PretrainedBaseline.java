package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.GradientStrategy;
import dev.metascale.engine.technique.SegmentRecompute;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * The shared part of the transfer-learning baselines: conventional supervised pre-training, then a
 * per-episode adaptation each baseline defines.
 *
 * <p>Pre-training, as the "Baseline" of Chen et al., "A Closer Look at Few-shot Classification",
 * ICLR 2019: the backbone and a head over all meta-train classes minimise the cross-entropy with
 * Adam ({@code outer_lr}) on the same examples the meta-learners see (support and query of each
 * training task, labelled with their split-wide class index):
 * <pre>  θ ← Adam(θ, ∇_θ (1/B) Σ_i CE(f_θ(x_i), c_i))</pre>
 * For a language-model task the pre-training is next-character prediction on the same windows (the
 * targets are characters, the head spans the vocabulary). Per episode the pre-trained head is dropped; a new zero-initialised {@code ways}-way head (and
 * whatever else the baseline trains) is fit to the support set with {@code eval_inner_steps}
 * full-batch gradient steps of size {@code inner_lr} ({@link #fit}).
 *
 * <p>Activation checkpointing ({@link SegmentRecompute}) covers the pre-training gradient (the
 * backbone's blocks are segment-recomputed, the head and loss keep their graph); the per-episode fit
 * is not checkpointed. Task chunking does not apply (pre-training is supervised, task by task).
 *
 * <p>With {@code vectorize_tasks} the pre-training step is one batched computation: every task's support and query
 * examples through the backbone at once ({@link Model#sharedTaskFeatures}: each task's batch-norm statistics its own, as
 * in the loop), the head over the meta-train classes on [B, n, d], and the mean cross-entropy over all B·n examples —
 * (1/B) Σ_i CE_i, the tasks being the same size — back-propagated once; with checkpointing the batched backbone is
 * segment-recomputed. The per-episode fit at evaluation stays one episode at a time (it is outside every timed
 * iteration).
 */
public abstract class PretrainedBaseline implements MetaLearner {
    protected final Model model;
    protected final ParamSet params;
    protected final double lr;
    protected final int steps;
    private final OuterOptimizer optimizer;
    private final GradientStrategy gradients;
    private final boolean vectorized;

    /** @param params backbone plus a head over all meta-train classes */
    protected PretrainedBaseline(Model model, ParamSet params, double lr, int steps, double outerLr) {
        this(model, params, lr, steps, outerLr, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of the pre-training gradient; chunk must be 0 */
    protected PretrainedBaseline(Model model, ParamSet params, double lr, int steps, double outerLr, TrainingTechniques techniques) {
        if (techniques.chunk() > 0) {
            throw new IllegalArgumentException("the pre-trained baselines have no meta-loss to back-propagate in chunks"
                    + " (pre-training is supervised, task by task); use chunk: 0");
        }
        this.gradients = techniques.strategy(model);
        this.vectorized = techniques.vectorizeTasks();
        if (vectorized && !model.batchesTasks()) {
            throw new IllegalArgumentException("vectorize_tasks needs a model that computes tasks as one batch (mlp, conv4), not "
                    + model.name() + "; remove vectorize_tasks");
        }
        this.model = model;
        this.params = params;
        this.lr = lr;
        this.steps = steps;
        this.optimizer = new OuterOptimizer(params, outerLr, techniques.dataParallel());
    }

    /** Pre-training: the cross-entropy of a task's support and query examples over the meta-train classes, at θ. */
    private final GradientStrategy.TaskObjective<Episode> objective = GradientStrategy.TaskObjective.at(this::parameters,
            task -> List.of(torch.cat(new TensorVector(task.supportX(), task.queryX()), 0)),
            this::objectiveLoss);

    /** The cross-entropy of the support and query examples over the meta-train classes. */
    private Tensor objectiveLoss(Episode task, java.util.function.IntFunction<Tensor> features, ParamSet weights) {
        return Losses.crossEntropy(LinearHead.apply(weights, features.apply(0)), targets(task));
    }

    /** A task's pre-training targets, support then query. Classification: episode labels → split-wide classes; a language
     * model's targets are characters already. */
    private Tensor targets(Episode task) {
        return task.nextCharacterTargets() ? torch.cat(new TensorVector(task.supportY(), task.queryY()), 0)
                : torch.cat(new TensorVector(globalLabels(task, task.supportY()), globalLabels(task, task.queryY())), 0);
    }

    @Override
    public double metaStep(List<Episode> tasks) {
        optimizer.zeroGrad();
        double total = accumulateMetaGradient(tasks);
        optimizer.step();
        return total;
    }

    /** Accumulates the pre-training gradient of the batch into the parameters' {@code .grad()}; returns the mean loss. */
    double accumulateMetaGradient(List<Episode> tasks) {
        return vectorized ? TaskBatch.inGroups(tasks, 0, this::vectorizedGroup) : gradients.metaGradient(params, tasks, objective);
    }

    /** The batch's pre-training loss as one batched computation (see the class comment), back-propagated; returns it. */
    private double vectorizedGroup(List<Episode> tasks, double share) {
        Tensor y = TaskBatch.stack(tasks, this::targets);                                                   // [B, n]
        return gradients.batchedBackward(params, GradientStrategy.TaskWeights.SHARED,
                List.of(TaskBatch.stack(tasks, t -> torch.cat(new TensorVector(t.supportX(), t.queryX()), 0))),
                (features, weights) -> {
                    Tensor loss = TaskBatch.meanCrossEntropy(LinearHead.apply(weights, features.apply(0)), y); // [B, n, classes]
                    return share != 1.0 ? loss.mul(new org.bytedeco.pytorch.Scalar(share)) : loss;
                });
    }

    @Override
    public com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        return gradients.describe("pre-training gradient (all backbone blocks); per-episode fit not checkpointed",
                vectorized ? TaskBatch.chunking(0) : "task by task");
    }

    private static Tensor globalLabels(Episode task, Tensor episodeLabels) {
        Tensor map = ArrayTensors.longs(task.classIds(), task.classIds().length);
        return torch.index_select(map, 0, episodeLabels);
    }

    /** The pre-trained backbone without its head, detached (frozen). */
    protected ParamSet frozenBody() {
        ParamSet body = new ParamSet(List.of(), List.of());
        for (int i = 0; i < params.size(); i++) {
            String name = params.names().get(i);
            if (!name.startsWith(LinearHead.PREFIX)) {
                body = body.with(new ParamSet(List.of(name), List.of(params.tensors().get(i).detach())));
            }
        }
        return body;
    }

    /** A new zero-initialised head for an episode. */
    protected ParamSet newHead(Episode episode) {
        return LinearHead.create(model.featureDim(), episode.ways(), params.tensors().get(0).scalar_type(), true);
    }

    /**
     * Fits {@code trainable} (which holds the new head) to the support set by {@link #steps}
     * full-batch gradient steps with {@code fixed} held constant, then predicts the query with
     * {@code net}.
     */
    protected long[] fit(Model net, ParamSet fixed, ParamSet trainable, Episode episode) {
        for (int s = 0; s < steps; s++) {
            Tensor loss = Losses.crossEntropy(net.logits(fixed.with(trainable), episode.supportX()), episode.supportY());
            trainable = InnerSgd.step(trainable, loss, lr, false);
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(net.logits(fixed.with(trainable), episode.queryX()));
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
}

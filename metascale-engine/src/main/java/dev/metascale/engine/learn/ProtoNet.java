package dev.metascale.engine.learn;

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

import java.util.List;

/**
 * Prototypical Networks.
 *
 * <p>Snell, Swersky and Zemel, "Prototypical Networks for Few-shot Learning", NeurIPS 2017. Each
 * class's prototype is the mean embedding of its support examples (eq. 1),
 * <pre>  c_k = (1/|S_k|) Σ_{x ∈ S_k} f_θ(x),</pre>
 * and a query is classified by a softmax over negative squared Euclidean distances (eq. 2),
 * <pre>  p(y = k | x) ∝ exp(−‖f_θ(x) − c_k‖²).</pre>
 * Meta-training minimises the query cross-entropy with Adam; adaptation is the prototype
 * computation alone (no gradient steps).
 *
 * <p>Techniques: {@code chunk} tasks are back-propagated together ({@link TaskChunks}); with
 * activation checkpointing the support and query embeddings are segment-recomputed
 * ({@link SegmentRecompute}) and only the prototype/distance/loss tail keeps its graph. With
 * {@code vectorize_tasks} the meta-batch's support sets are embedded as one batch and its query sets as another
 * ({@link Model#sharedTaskFeatures}: each task's batch-norm statistics its own, as in the loop), the prototypes and
 * distances of all tasks are batched matrix products, and (1/B) Σ_T L_T is back-propagated once; {@code chunk: G}
 * then computes G tasks per batch. With checkpointing too, the batched embeddings are segment-recomputed
 * ({@link Model#sharedTaskFeatureBlock}): one segment of every task's activations alive at a time.
 */
public final class ProtoNet implements MetaLearner {
    private final Model model;
    private final ParamSet params;
    private final OuterOptimizer optimizer;
    private final GradientStrategy gradients;
    private final boolean vectorized;
    private final int vectorChunk;

    public ProtoNet(Model model, ParamSet params, double outerLr) {
        this(model, params, outerLr, TrainingTechniques.NONE);
    }

    public ProtoNet(Model model, ParamSet params, double outerLr, TrainingTechniques techniques) {
        this.gradients = techniques.strategy(model);
        this.vectorized = techniques.vectorizeTasks();
        this.vectorChunk = techniques.chunk();
        if (vectorized && !model.batchesTasks()) {
            throw new IllegalArgumentException("vectorize_tasks needs a model that computes tasks as one batch (mlp, conv4), not "
                    + model.name() + "; remove vectorize_tasks");
        }
        this.model = model;
        this.params = params;
        this.optimizer = new OuterOptimizer(params, outerLr, techniques.dataParallel());
    }

    /** Prototypes [ways, d]: the mean support embedding of each class (eq. 1). */
    public static Tensor prototypes(Tensor supportFeatures, Tensor supportLabels, int ways) {
        Tensor onehot = torch.one_hot(supportLabels, ways).to(supportFeatures.scalar_type());   // [n, ways]
        Tensor counts = onehot.sum(0).unsqueeze(1);                                              // [ways, 1]
        return onehot.t().matmul(supportFeatures).div(counts);                                   // [ways, d]
    }

    /** Logits [q, ways] = −‖f(x) − c_k‖² = −(‖f‖² − 2 f·c + ‖c‖²) (eq. 2). */
    public static Tensor logits(Tensor queryFeatures, Tensor prototypes) {
        Tensor q2 = queryFeatures.pow(new Scalar(2)).sum(new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // [q, 1]
        Tensor c2 = prototypes.pow(new Scalar(2)).sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // [ways]
        Tensor cross = queryFeatures.matmul(prototypes.t());                                          // [q, ways]
        return cross.mul(new Scalar(2)).sub(q2).sub(c2.unsqueeze(0));
    }

    private Tensor episodeLogits(Episode e) {
        Tensor protos = prototypes(model.features(params, e.supportX()), e.supportY(), e.ways());
        return logits(model.features(params, e.queryX()), protos);
    }

    @Override
    public double metaStep(List<Episode> tasks) {
        optimizer.zeroGrad();
        double total = accumulateMetaGradient(tasks);
        optimizer.step();
        return total;
    }

    /** One task's query cross-entropy under the prototypes of its support embeddings (eq. 1–2), at θ. */
    private final GradientStrategy.TaskObjective<Episode> objective = GradientStrategy.TaskObjective.at(this::parameters,
            task -> List.of(task.supportX(), task.queryX()),
            this::objectiveLoss);

    /** The query cross-entropy under the prototypes of the support embeddings (eq. 1–2). */
    private Tensor objectiveLoss(Episode task, java.util.function.IntFunction<Tensor> features, ParamSet weights) {
        Tensor protos = prototypes(features.apply(0), task.supportY(), task.ways());
        return Losses.crossEntropy(logits(features.apply(1), protos), task.queryY());
    }

    /** Accumulates the meta-gradient of the batch into the parameters' {@code .grad()}; returns the mean loss. */
    public double accumulateMetaGradient(List<Episode> tasks) {
        if (!vectorized) {
            return gradients.metaGradient(params, tasks, objective);
        }
        return TaskBatch.inGroups(tasks, vectorChunk, this::vectorizedGroup);
    }

    /**
     * One batched computation of {@code tasks} (same shapes: a fixed sampler): prototypes [B, ways, d] by a batched
     * product of the one-hot support labels with the support embeddings (eq. 1), logits [B, q, ways] (eq. 2), the mean
     * query cross-entropy over all B·q examples — (1/B) Σ_T L_T, the tasks being the same size — times {@code share}
     * back-propagated; returns that.
     */
    private double vectorizedGroup(List<Episode> tasks, double share) {
        int ways = tasks.get(0).ways();
        Tensor onehot = torch.one_hot(TaskBatch.stack(tasks, Episode::supportY), ways);                 // [B, s, ways]
        Tensor queryY = TaskBatch.stack(tasks, Episode::queryY);
        return gradients.batchedBackward(params, GradientStrategy.TaskWeights.SHARED,
                List.of(TaskBatch.stack(tasks, Episode::supportX), TaskBatch.stack(tasks, Episode::queryX)),
                (features, weights) -> {
                    Tensor support = features.apply(0);                                                  // [B, s, d]
                    Tensor query = features.apply(1);                                                    // [B, q, d]
                    Tensor y = onehot.to(support.scalar_type());
                    Tensor protos = y.transpose(1, 2).bmm(support).div(y.sum(1).unsqueeze(2));           // [B, ways, d]
                    Tensor q2 = query.pow(new Scalar(2)).sum(new long[]{2}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // [B, q, 1]
                    Tensor c2 = protos.pow(new Scalar(2)).sum(new long[]{2}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // [B, ways]
                    Tensor logits = query.bmm(protos.transpose(1, 2)).mul(new Scalar(2)).sub(q2).sub(c2.unsqueeze(1)); // [B, q, ways]
                    Tensor loss = TaskBatch.meanCrossEntropy(logits, queryY);
                    return share != 1.0 ? loss.mul(new Scalar(share)) : loss;
                });
    }

    /** Zeroes the accumulated gradients (for callers that inspect {@link #accumulateMetaGradient}). */
    public void zeroGrad() {
        optimizer.zeroGrad();
    }

    @Override
    public com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        return gradients.describe("support and query embeddings (all feature blocks)", vectorized ? TaskBatch.chunking(vectorChunk)
                : gradients.chunkingDescription());
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(episodeLogits(episode));
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

package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A functional backbone: its weights are passed in with every call, so the same model runs on the
 * meta-parameters and on any set of fast weights. An optional linear head ({@code head.weight}
 * [outputs, featureDim], {@code head.bias} [outputs]) turns features into logits.
 */
public interface Model {

    /** Name with size, e.g. {@code conv4-64}. */
    String name();

    int featureDim();

    /**
     * Fresh parameters: leaves that require grad, drawn from libtorch's generator seeded with
     * {@code seed}. {@code outputs} > 0 adds a linear head with that many classes.
     */
    ParamSet init(long seed, int outputs, torch.ScalarType dtype);

    /** Features [batch, featureDim] of images [batch, 1, height, width]. */
    Tensor features(ParamSet params, Tensor images);

    /**
     * Features with {@code hook} applied to the output of every block (see {@link #blocks}), the
     * insertion points of {@link Adapters}. A model without blocks supports only the identity hook.
     */
    default Tensor features(ParamSet params, Tensor images, BlockHook hook) {
        if (hook != BlockHook.IDENTITY) {
            throw new UnsupportedOperationException("model " + name() + " exposes no blocks for adapters;"
                    + " use a model that lists its blocks (conv4, mlp, resnet12, vit) or the lora baseline");
        }
        return features(params, images);
    }

    /** The blocks whose outputs a {@link BlockHook} sees, in order; empty when the model has none. */
    default java.util.List<BlockShape> blocks() {
        return java.util.List.of();
    }

    /**
     * Analytic FLOPs of one forward pass ({@link #logits} with a head of {@code outputs} classes, or
     * {@link #features} when {@code outputs} is 0) over {@code batch} examples, an FMA counted as 2
     * FLOPs; empty when the model does not count its FLOPs.
     */
    default java.util.OptionalLong forwardFlops(long batch, int outputs) {
        return java.util.OptionalLong.empty();
    }

    /**
     * Number of blocks {@link #featureBlock} splits {@link #features} into, the units that activation
     * checkpointing groups into segments; 0 when the model does not expose them.
     */
    default int featureBlockCount() {
        return 0;
    }

    /**
     * Block {@code i} of {@link #features}: block 0 takes the images, the last returns the features
     * [batch, featureDim]; running the blocks in order equals {@link #features}{@code (params, images)}.
     */
    default Tensor featureBlock(ParamSet params, int i, Tensor x) {
        throw new UnsupportedOperationException("model " + name() + " exposes no feature blocks for activation"
                + " checkpointing; use conv4, mlp, resnet12 or vit, or checkpointing: false");
    }

    /** Names of the parameters {@link #featureBlock} {@code i} reads. */
    default java.util.List<String> featureBlockParameters(int i) {
        throw new UnsupportedOperationException("model " + name() + " exposes no feature blocks for activation"
                + " checkpointing; use conv4, mlp, resnet12 or vit, or checkpointing: false");
    }

    /**
     * Whether {@link #taskLogits} computes many tasks as one batched computation ({@code techniques.vectorize_tasks}).
     */
    default boolean batchesTasks() {
        return false;
    }

    /**
     * Logits [tasks, batch, outputs] of {@code tasks} tasks at once: every tensor of {@code params} has a leading task
     * dimension (task t's weights at index t) and {@code images} is [tasks, batch, 1, height, width]. Task t's slice
     * equals {@link #logits}{@code (params_t, images_t)}, batch-norm statistics included (each task's own).
     */
    default Tensor taskLogits(ParamSet params, Tensor images) {
        return LinearHead.applyPerTask(params, taskFeatures(params, images));
    }

    /**
     * Features [tasks, batch, d] of {@code tasks} tasks at once under per-task weights (as {@link #taskLogits}): the
     * blocks {@link #taskFeatureBlock} in order.
     */
    default Tensor taskFeatures(ParamSet params, Tensor images) {
        requireBatchedTasks();
        return ((FeatureBlock) this::taskFeatureBlock).run(params, 0, featureBlockCount(), images);
    }

    /**
     * Block {@code i} of {@link #taskFeatures} (per-task weights, a leading task dimension): block 0 takes the images
     * [tasks, batch, 1, height, width], the last returns [tasks, batch, d]; what passes between blocks is the model's
     * own batched layout. Task t's slice of the blocks run in order equals {@link #featureBlock}s at its weights.
     * Activation checkpointing recomputes these ({@code vectorize_tasks} with {@code checkpointing}).
     */
    default Tensor taskFeatureBlock(ParamSet params, int i, Tensor x) {
        throw notBatched();
    }

    /**
     * Features [tasks, batch, d] of {@code tasks} tasks at once under the same weights {@code params} (ProtoNet's
     * meta-batch): {@code images} is [tasks, batch, 1, height, width]; task t's slice equals
     * {@link #features}{@code (params, images_t)}, batch-norm statistics included (each task's own). The blocks
     * {@link #sharedTaskFeatureBlock} in order.
     */
    default Tensor sharedTaskFeatures(ParamSet params, Tensor images) {
        requireBatchedTasks();
        return ((FeatureBlock) this::sharedTaskFeatureBlock).run(params, 0, featureBlockCount(), images);
    }

    /**
     * Block {@code i} of {@link #sharedTaskFeatures} (weights shared by the tasks): block 0 takes the images
     * [tasks, batch, 1, height, width], the last returns [tasks, batch, d]; what passes between blocks is the model's
     * own batched layout. Activation checkpointing recomputes these ({@code vectorize_tasks} with {@code checkpointing}).
     */
    default Tensor sharedTaskFeatureBlock(ParamSet params, int i, Tensor x) {
        throw notBatched();
    }

    private void requireBatchedTasks() {
        if (!batchesTasks()) {
            throw notBatched();
        }
    }

    private UnsupportedOperationException notBatched() {
        return new UnsupportedOperationException("model " + name() + " does not compute tasks as one batch; vectorize_tasks"
                + " needs mlp or conv4");
    }

    /** Logits [batch, outputs]: {@link #features} followed by the head. */
    default Tensor logits(ParamSet params, Tensor images) {
        return LinearHead.apply(params, features(params, images));
    }
}

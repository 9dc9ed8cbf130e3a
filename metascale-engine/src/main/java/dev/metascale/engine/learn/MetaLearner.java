package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ParamSet;

import java.util.List;

/**
 * A meta-learning algorithm or baseline. The trial loop calls {@link #metaStep} once per
 * meta-iteration with a batch of training tasks, then {@link #adaptAndPredict} once per test
 * episode. Implementations allocate tensors freely: the caller closes a pointer scope around
 * every call.
 */
public interface MetaLearner {

    /** One outer-loop update from a batch of tasks; returns the mean meta-training loss. */
    double metaStep(List<Episode> tasks);

    /** Adapts to the episode's support set and returns the predicted label of every query example. */
    long[] adaptAndPredict(Episode episode);

    /**
     * Adapts to the episode's support set as {@link #adaptAndPredict} does and returns the mean
     * cross-entropy (nats) of the query targets under the adapted model: for a language-model task
     * ({@link Episode#nextCharacterTargets()}) the mean next-character loss over every query position,
     * from which perplexity = exp(loss) and bits per character = loss / ln 2.
     *
     * @throws UnsupportedOperationException for a learner that does not apply to language-model tasks
     *     (validation rejects those combinations first)
     */
    default double adaptAndQueryLoss(Episode episode) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not adapt a language model in this version;"
                + " use maml, fomaml, reptile, imaml, anil or finetune");
    }

    /** Mean cross-entropy of the query targets under {@code params}, as a number without a graph: the learners' {@link #adaptAndQueryLoss}. */
    static double queryLoss(dev.metascale.engine.model.Model model, ParamSet params, Episode episode) {
        try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
            return Losses.crossEntropy(model.logits(params, episode.queryX()), episode.queryY()).item_double();
        }
    }

    /**
     * Bytes of the outer optimiser's state now (Adam: its two moments per parameter once it has stepped; Reptile's
     * plain update holds none); empty when the learner does not say, and then its absolute tensor peak is not
     * recorded ({@code peak_tensor_window_bytes} only).
     */
    default java.util.OptionalLong outerStateBytes() {
        return java.util.OptionalLong.empty();
    }

    /**
     * The direction this learner's outer update would follow at its current parameters on {@code tasks}, computed
     * without updating anything (the parameters, the optimiser state and {@code .grad} stay as they were): what a
     * meta-gradient fidelity check compares with the exact second-order MAML meta-gradient
     * ({@code dev.metascale.engine.probe.MetaGradientFidelity}). Empty for a learner whose update approximates no
     * MAML meta-gradient (ProtoNet, the transfer baselines). Runs in one process only (a data-parallel learner would
     * enter its group's all-reduce).
     */
    default java.util.Optional<OuterDirection> outerDirection(List<Episode> tasks) {
        return java.util.Optional.empty();
    }

    /**
     * An outer update's direction, one tensor per meta-parameter, as a gradient (the update descends along it).
     *
     * @param tensors       the direction
     * @param gradientScale whether it estimates the meta-gradient itself, so that its length is comparable with the
     *                      exact one (Reptile's displacement θ − φ is a direction only: its length scales with the
     *                      inner steps and learning rate)
     */
    record OuterDirection(List<org.bytedeco.pytorch.Tensor> tensors, boolean gradientScale) {
    }

    /** The {@code .grad} of every tensor of {@code params}, detached copies (zeros where none was accumulated). */
    static List<org.bytedeco.pytorch.Tensor> gradientsOf(ParamSet params) {
        List<org.bytedeco.pytorch.Tensor> out = new java.util.ArrayList<>(params.size());
        for (org.bytedeco.pytorch.Tensor p : params.tensors()) {
            org.bytedeco.pytorch.Tensor g = p.grad();
            out.add(g.defined() ? g.detach().clone() : org.bytedeco.pytorch.global.torch.zeros_like(p));
        }
        return out;
    }

    /** The meta-parameters (leaves updated by the outer optimiser). */
    ParamSet parameters();

    /**
     * The memory techniques this learner applies and exactly what they cover (segments used, what is
     * recomputed, how tasks are chunked): the trial's {@code env.checkpointing}. Learners without
     * techniques back-propagate task by task and checkpoint nothing.
     */
    default com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        var out = dev.metascale.core.json.Json.MAPPER.createObjectNode();
        out.put("checkpointed", "none");
        out.put("chunking", "task by task");
        return out;
    }
}

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

    /** The meta-parameters (leaves updated by the outer optimiser). */
    ParamSet parameters();

    /**
     * The memory techniques this learner applies and exactly what they cover (segments used, what is
     * recomputed, how tasks are chunked): the trial's {@code env.checkpointing}. Learners without
     * techniques back-propagate task by task and checkpoint nothing.
     */
    default com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        var out = dev.metascale.core.result.Json.MAPPER.createObjectNode();
        out.put("checkpointed", "none");
        out.put("chunking", "task by task");
        return out;
    }
}

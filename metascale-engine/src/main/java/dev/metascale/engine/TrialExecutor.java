package dev.metascale.engine;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

/**
 * Runs one trial inside a worker process: builds the data set, model and learner, meta-trains with
 * the probes on, evaluates on the shared test episodes and returns the record.
 */
public final class TrialExecutor {
    private TrialExecutor() {
    }

    /**
     * @param threads libtorch intra-op threads
     * @param startedAtIso when the worker process started (ISO-8601)
     */
    public static TrialResult execute(TrialSpec spec, int threads, String startedAtIso) {
        throw new UnsupportedOperationException("TODO: engine");
    }
}

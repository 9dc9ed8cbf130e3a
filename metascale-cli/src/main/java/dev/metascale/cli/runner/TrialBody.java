package dev.metascale.cli.runner;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

/** What a worker runs for a trial without an injected fault: normally {@code TrialExecutor::execute}. */
@FunctionalInterface
public interface TrialBody {
    TrialResult execute(TrialSpec spec, int threads, String startedAtIso) throws Exception;
}

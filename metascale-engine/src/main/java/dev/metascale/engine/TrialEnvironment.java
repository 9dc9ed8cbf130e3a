package dev.metascale.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.result.RunInvocation;
import dev.metascale.engine.torch.TorchRuntime;

import java.util.Set;

/**
 * The one source of a trial record's {@code env}: the machine and software fields that a worker records for every
 * trial (hardware, OS, JVM, versions and allocator settings from {@link Environment#capture()}, then libtorch's
 * version, JavaCPP's, torch and BLAS threads, BLAS, oneDNN, CUDA from {@link TorchRuntime#describe}). The worker's
 * {@link TrialExecutor} and {@code metascale env} (which runs a worker to call it) both capture it here.
 *
 * <p>The fields in {@link #PER_TRIAL_FIELDS} are added by the trial itself: they describe that trial, not the machine.
 */
public final class TrialEnvironment {
    /**
     * {@code env} fields of a trial record that belong to the trial: its model, its checkpointing, precision
     * policy and device, and the command line that ran it (added by the runner).
     */
    public static final Set<String> PER_TRIAL_FIELDS = Set.of("model", "checkpointing", "precision_policy", "device",
            RunInvocation.ENV_KEY);

    private TrialEnvironment() {
    }

    /** This worker's environment; call after {@link TorchRuntime#configure} (a worker configures it first). */
    public static ObjectNode capture() {
        ObjectNode env = Environment.capture();
        TorchRuntime.describe(env);
        return env;
    }
}

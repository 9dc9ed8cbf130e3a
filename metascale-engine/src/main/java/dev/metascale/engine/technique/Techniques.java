package dev.metascale.engine.technique;

import dev.metascale.core.component.ComponentSource;
import dev.metascale.core.component.Components;
import dev.metascale.core.component.TechniqueDescriptor;
import dev.metascale.core.spec.TechniqueSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Binds an implementation to every technique of {@link Components#techniques()}: the built-in ones to the classes
 * that apply them, a {@link TechniquePlugin}'s key to its own {@link BackwardTechnique}. A descriptor without an
 * implementation is refused when a trial sets it, before anything runs.
 */
public final class Techniques {
    /** The key of the batched-tasks technique, applied by the learners themselves rather than by a backward pass. */
    public static final String VECTORIZE_TASKS = "vectorize_tasks";
    /** The key of the device setting, applied by the trial's tensor factories ({@code TrialDevice}). */
    public static final String DEVICE = "device";

    /** The built-in techniques and where each is applied. */
    private static final Map<String, String> BUILT_IN = Map.of(
            "precision", "Precision (autocast around the trial)",
            "checkpointing", "SegmentRecompute via GradientStrategy",
            "world_size", "dist.DataParallel (one rank per worker process)",
            "scaling", "dist.DataParallel (the meta-batch per rank)",
            "chunk", "TaskChunks via GradientStrategy",
            "offload", "CheckpointOffload in SegmentRecompute (CUDA devices only: validation)",
            "parallel_tasks", "TaskParallel via GradientStrategy",
            "overlap_allreduce", "dist.DataParallel#lastBackward via GradientStrategy",
            VECTORIZE_TASKS, "the learner's batched meta-gradient (Maml: Model#taskLogits; ProtoNet: Model#sharedTaskFeatures)",
            DEVICE, "torch.TrialDevice: every tensor factory's options, autocast's device type, the timers' synchronisation");

    private static final Map<String, BackwardTechnique> PLUGINS = new LinkedHashMap<>();

    static {
        for (ComponentSource source : ServiceLoader.load(ComponentSource.class, Techniques.class.getClassLoader())) {
            if (source instanceof TechniquePlugin plugin) {
                PLUGINS.put(plugin.descriptor().key(), plugin);
            }
        }
    }

    private Techniques() {
    }

    /** The back-propagation of the technique set by {@code techniques.<key>}, when a plugin gives one. */
    static Optional<BackwardTechnique> backward(String key) {
        return Optional.ofNullable(PLUGINS.get(key));
    }

    /**
     * Checks that every technique a trial sets has an implementation here.
     *
     * @throws IllegalStateException naming the technique and what to add
     */
    public static void requireBound(TechniqueSpec spec) {
        for (String key : spec.options().keySet()) {
            if (!PLUGINS.containsKey(key) && !BUILT_IN.containsKey(key)) {
                String known = Components.technique(key).map(TechniqueDescriptor::description).orElse("unregistered");
                throw new IllegalStateException("technique '" + key + "' (" + known + ") has a descriptor but no engine"
                        + " implementation: its ComponentSource must implement " + TechniquePlugin.class.getName());
            }
        }
    }
}

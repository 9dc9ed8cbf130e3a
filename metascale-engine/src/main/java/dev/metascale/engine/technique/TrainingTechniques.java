package dev.metascale.engine.technique;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.spec.TechniqueSpec;

/**
 * The techniques a trial applies to its learner's gradient computations ({@link GradientStrategy} applies them).
 *
 * @param checkpointSegments activation-checkpointing segments ({@link SegmentRecompute}); 0 = off
 * @param chunk              tasks whose graphs are alive together and back-propagated as one summed
 *                           loss ({@link TaskChunks}); 0 = the learner's default, one task at a time
 * @param parallelTasks      tasks computed at the same time on their own threads ({@link TaskParallel});
 *                           0 = one task after another
 * @param overlapAllreduce   data-parallel: the step's last backward all-reduces the gradient bucket's segments as
 *                           they become final ({@link dev.metascale.engine.dist.DataParallel#lastBackward})
 * @param group              the data-parallel group whose ranks average the meta-gradient before each step (the
 *                           outer optimiser) or the adapted weights (Reptile); null in a single process
 * @param options            the settings of plugin techniques ({@link TechniquePlugin}) the trial sets, by key
 * @param offload            where checkpointed segments' inputs wait for the backward pass ({@code techniques.offload}:
 *                           host memory, {@link CheckpointOffload}); null keeps them on the device
 */
public record TrainingTechniques(int checkpointSegments, int chunk, int parallelTasks, boolean overlapAllreduce,
                                 dev.metascale.engine.dist.DataParallel group, java.util.Map<String, Object> options,
                                 CheckpointOffload offload) {
    /** Plain training: no recompute, task by task, one process. */
    public static final TrainingTechniques NONE = new TrainingTechniques(0, 0);

    public TrainingTechniques {
        if (checkpointSegments < 0 || chunk < 0 || parallelTasks < 0 || parallelTasks == 1) {
            throw new IllegalArgumentException("checkpointing segments and chunk must be >= 0 and parallel tasks 0 or >= 2, got "
                    + checkpointSegments + ", " + chunk + " and " + parallelTasks);
        }
        options = options == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
        if (offload != null && checkpointSegments == 0) {
            throw new IllegalArgumentException("offload moves checkpointed segments' inputs to host memory: it needs"
                    + " checkpointing segments > 0");
        }
    }

    public TrainingTechniques(int checkpointSegments, int chunk, int parallelTasks, boolean overlapAllreduce,
                              dev.metascale.engine.dist.DataParallel group, java.util.Map<String, Object> options) {
        this(checkpointSegments, chunk, parallelTasks, overlapAllreduce, group, options, null);
    }

    public TrainingTechniques(int checkpointSegments, int chunk, int parallelTasks, boolean overlapAllreduce,
                              dev.metascale.engine.dist.DataParallel group) {
        this(checkpointSegments, chunk, parallelTasks, overlapAllreduce, group, java.util.Map.of());
    }

    public TrainingTechniques(int checkpointSegments, int chunk) {
        this(checkpointSegments, chunk, 0);
    }

    public TrainingTechniques(int checkpointSegments, int chunk, int parallelTasks) {
        this(checkpointSegments, chunk, parallelTasks, false);
    }

    public TrainingTechniques(int checkpointSegments, int chunk, int parallelTasks, boolean overlapAllreduce) {
        this(checkpointSegments, chunk, parallelTasks, overlapAllreduce, null);
    }

    /** A trial's techniques, in one process ({@link #inGroup} adds the data-parallel group). */
    public static TrainingTechniques of(TechniqueSpec spec) {
        return new TrainingTechniques(spec.checkpointing(), spec.chunk(), spec.parallelTasks(), spec.overlapAllreduce(), null,
                spec.options(), spec.offload() ? new CheckpointOffload() : null);
    }

    /** The same techniques applied by one rank of {@code dataParallel}. */
    public TrainingTechniques inGroup(dev.metascale.engine.dist.DataParallel dataParallel) {
        return new TrainingTechniques(checkpointSegments, chunk, parallelTasks, overlapAllreduce, dataParallel, options, offload);
    }

    /** The data-parallel group, when this process is one rank of several. */
    public java.util.Optional<dev.metascale.engine.dist.DataParallel> dataParallel() {
        return java.util.Optional.ofNullable(group);
    }

    /** How the learner on {@code model} computes its gradients under these techniques. */
    public GradientStrategy strategy(dev.metascale.engine.model.Model model) {
        return new GradientStrategy(model, this);
    }

    public boolean checkpointing() {
        return checkpointSegments > 0;
    }

    /** Whether the learner computes the meta-batch's tasks as one batched computation ({@code techniques.vectorize_tasks}). */
    public boolean vectorizeTasks() {
        return Boolean.TRUE.equals(options.get(Techniques.VECTORIZE_TASKS));
    }

    /** The settings of plugin techniques, each applying its own back-propagation (the built-in options left out). */
    java.util.Map<String, Object> backwardOptions() {
        java.util.Map<String, Object> out = new java.util.TreeMap<>(options);
        out.remove(Techniques.VECTORIZE_TASKS);
        out.remove(Techniques.DEVICE);
        return out;
    }

    /** What the record says: requested settings (learners add what they checkpointed). */
    public ObjectNode describe() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("segments_requested", checkpointSegments);
        out.put("chunk", chunk);
        if (parallelTasks > 1) {
            out.put("parallel_tasks", parallelTasks);
            out.put("threads_per_task", TaskParallel.threadsPerWorker(parallelTasks));
        }
        if (overlapAllreduce) {
            out.put("overlap_allreduce", true);
        }
        if (offload != null) {
            ObjectNode o = out.putObject("offload");
            o.put("to", "host memory");
            o.put("pinned", offload.pinned());
            o.put("host_peak_bytes", offload.peakHostBytes());
            o.put("copies", offload.copies());
        }
        if (!options.isEmpty()) {
            out.putPOJO("options", options);
        }
        return out;
    }

    /**
     * The record of a learner's techniques: the requested settings, the segments in use (when
     * {@code recompute} is not null) with what the learner {@code checkpointed}, and its {@code chunking}.
     */
    ObjectNode describe(SegmentRecompute recompute, String checkpointed, String chunking) {
        ObjectNode out = describe();
        if (recompute == null) {
            out.put("checkpointed", "none");
        } else {
            out.put("segments", recompute.segmentCount());
            out.putPOJO("blocks_per_segment", recompute.blocksPerSegment());
            out.put("checkpointed", checkpointed);
        }
        out.put("chunking", chunking);
        return out;
    }

    /** The chunking of a learner that back-propagates {@link #chunk} tasks together (task by task when checkpointing). */
    String chunkingDescription(boolean checkpointed) {
        if (parallelTasks > 1 && !checkpointed) {
            return parallelTasks + " tasks at a time on their own threads (" + TaskParallel.threadsPerWorker(parallelTasks)
                    + " intra-op thread(s) each); operator profiles record the main thread only";
        }
        return checkpointed ? "task by task (checkpointed path)" : chunk == 0 ? "task by task" : chunk + " tasks per backward";
    }
}

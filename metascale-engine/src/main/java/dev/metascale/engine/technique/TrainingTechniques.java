package dev.metascale.engine.technique;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.result.Json;
import dev.metascale.core.spec.TechniqueSpec;

/**
 * The memory techniques a learner applies to its gradient computations.
 *
 * @param checkpointSegments activation-checkpointing segments ({@link SegmentRecompute}); 0 = off
 * @param chunk              tasks whose graphs are alive together and back-propagated as one summed
 *                           loss ({@link TaskChunks}); 0 = the learner's default, one task at a time
 */
public record TrainingTechniques(int checkpointSegments, int chunk) {
    /** Plain training: no recompute, task by task. */
    public static final TrainingTechniques NONE = new TrainingTechniques(0, 0);

    public TrainingTechniques {
        if (checkpointSegments < 0 || chunk < 0) {
            throw new IllegalArgumentException("checkpointing segments and chunk must be >= 0, got "
                    + checkpointSegments + " and " + chunk);
        }
    }

    public static TrainingTechniques of(TechniqueSpec spec) {
        return new TrainingTechniques(spec.checkpointing(), spec.chunk());
    }

    public boolean checkpointing() {
        return checkpointSegments > 0;
    }

    /** Checkpointing of {@code model}: null when off. */
    public SegmentRecompute recompute(dev.metascale.engine.model.Model model) {
        return checkpointing() ? new SegmentRecompute(model, checkpointSegments) : null;
    }

    /** What the record says: requested settings (learners add what they checkpointed). */
    public ObjectNode describe() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("segments_requested", checkpointSegments);
        out.put("chunk", chunk);
        return out;
    }

    /**
     * The record of a learner's techniques: the requested settings, the segments in use (when
     * {@code recompute} is not null) with what the learner {@code checkpointed}, and its {@code chunking}.
     */
    public ObjectNode describe(SegmentRecompute recompute, String checkpointed, String chunking) {
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
    public String chunkingDescription(boolean checkpointed) {
        return checkpointed ? "task by task (checkpointed path)" : chunk == 0 ? "task by task" : chunk + " tasks per backward";
    }
}

package dev.metascale.engine.dist;

import dev.metascale.core.spec.TrialSpec;

import java.util.Optional;

/**
 * Which training tasks a rank takes in each meta-iteration. Strong scaling splits the global
 * meta-batch B over the N ranks (B/N each, B divisible by N); weak scaling gives every rank a
 * full meta-batch (N·B per step). Task {@code t} of rank {@code r} in iteration {@code i} is
 * episode {@code i·G + r·b + t} of the seeded training stream (G tasks per step, b per rank), so
 * the union over ranks is exactly the tasks a single process would draw for G tasks per step.
 */
public record TaskPartition(int rank, int worldSize, int perRank) {

    public static TaskPartition of(TrialSpec spec, Optional<RankInfo> info) {
        int metaBatch = spec.algorithm().metaBatch();
        if (info.isEmpty()) {
            return new TaskPartition(0, 1, metaBatch);
        }
        int n = info.get().worldSize();
        if ("weak".equals(spec.techniques().scaling())) {
            return new TaskPartition(info.get().rank(), n, metaBatch);
        }
        if (metaBatch % n != 0) {
            throw new IllegalArgumentException("strong scaling splits algorithm.meta_batch " + metaBatch + " over world_size "
                    + n + ": choose a meta_batch divisible by " + n + " or techniques.scaling: weak");
        }
        return new TaskPartition(info.get().rank(), n, metaBatch / n);
    }

    /** Tasks per meta-iteration over all ranks. */
    public int perStep() {
        return perRank * worldSize;
    }

    public long episodeIndex(int iteration, int task) {
        return (long) iteration * perStep() + (long) rank * perRank + task;
    }
}

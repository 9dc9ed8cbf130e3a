package dev.metascale.core.shard;

import java.util.Map;
import java.util.Optional;

/**
 * One part of a suite spread over machines: shard {@code index} of {@code count} (0-based). Its records go to
 * {@code DIR/shard-I-of-N/results.jsonl}, each shard with its own file and lock, so shards never write the same file,
 * also on a shared file system; {@code report}, {@code compare} and {@code advise} read every shard of {@code DIR}.
 *
 * @param index this shard, 0 ≤ index < count
 * @param count how many shards the suite is split into
 */
public record Shard(int index, int count) {
    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: give I/N with 0 <= I < N, e.g."
                    + " --shard 0/4 for the first of four");
        }
    }

    /** The name of its directory under the run directory, e.g. {@code shard-0-of-4}. */
    public String directoryName() {
        return "shard-" + index + "-of-" + count;
    }

    /** {@code I/N} as written on the command line. */
    public static Shard parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--shard '" + text + "': write I/N, e.g. --shard 0/4 (0-based)");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard '" + text + "': I and N must be whole numbers, e.g. --shard 0/4");
        }
    }

    /**
     * The shard a scheduler assigned: a SLURM job array's task ({@code SLURM_ARRAY_TASK_ID} − {@code
     * SLURM_ARRAY_TASK_MIN} of {@code SLURM_ARRAY_TASK_COUNT}), or a Kubernetes Indexed Job's pod ({@code
     * JOB_COMPLETION_INDEX} of {@code METASCALE_SHARD_COUNT}, which {@code metascale submit k8s} sets to the job's
     * completions); empty when neither is set.
     *
     * @throws IllegalArgumentException when the variables are set but do not name a shard
     */
    public static Optional<Shard> fromEnvironment(Map<String, String> env) {
        String task = env.get("SLURM_ARRAY_TASK_ID");
        if (task != null && !task.isBlank()) {
            String count = env.get("SLURM_ARRAY_TASK_COUNT");
            if (count == null || count.isBlank()) {
                throw new IllegalArgumentException("SLURM_ARRAY_TASK_ID is " + task + " but SLURM_ARRAY_TASK_COUNT is not set"
                        + " (SLURM 17.11 and later set it): give --shard I/N");
            }
            int min = parseOr(env.get("SLURM_ARRAY_TASK_MIN"), 0, "SLURM_ARRAY_TASK_MIN");
            return Optional.of(new Shard(parseOr(task, 0, "SLURM_ARRAY_TASK_ID") - min, parseOr(count, 1, "SLURM_ARRAY_TASK_COUNT")));
        }
        String index = env.get("JOB_COMPLETION_INDEX");
        if (index != null && !index.isBlank()) {
            String count = env.get("METASCALE_SHARD_COUNT");
            if (count == null || count.isBlank()) {
                throw new IllegalArgumentException("JOB_COMPLETION_INDEX is " + index + " but METASCALE_SHARD_COUNT is not set:"
                        + " set it to the Indexed Job's completions (metascale submit k8s does), or give --shard I/N");
            }
            return Optional.of(new Shard(parseOr(index, 0, "JOB_COMPLETION_INDEX"), parseOr(count, 1, "METASCALE_SHARD_COUNT")));
        }
        return Optional.empty();
    }

    private static int parseOr(String text, int fallback, String name) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is '" + text + "', not a whole number");
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}

package dev.metascale.core.shard;

import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A suite's trials split into shards of about equal estimated cost ({@link TrialCost}) by the longest-processing-time
 * rule (Graham 1969): trials in decreasing cost, each given to the shard with the least cost so far. Deterministic —
 * ties broken by trial id and then by shard index — so every machine of a job array computes the same partition from
 * the same suite, and the shards are disjoint and cover the suite. Each shard keeps the suite's order.
 */
public final class TrialShards {
    private TrialShards() {
    }

    /** The {@code count} shards of {@code trials}; a shard may be empty when there are fewer trials than shards. */
    public static List<List<TrialSpec>> partition(List<TrialSpec> trials, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a suite is split into at least one shard, got " + count);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            order.add(i);
        }
        double[] cost = trials.stream().mapToDouble(TrialCost::estimate).toArray();
        order.sort(Comparator.<Integer>comparingDouble(i -> -cost[i]).thenComparing(i -> trials.get(i).id()));
        double[] load = new double[count];
        int[] shardOf = new int[trials.size()];
        for (int i : order) {
            int best = 0;
            for (int s = 1; s < count; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            load[best] += cost[i];
            shardOf[i] = best;
        }
        List<List<TrialSpec>> shards = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            shards.add(new ArrayList<>());
        }
        for (int i = 0; i < trials.size(); i++) {
            shards.get(shardOf[i]).add(trials.get(i));
        }
        return shards.stream().map(List::copyOf).toList();
    }

    /** The trials of one shard. */
    public static List<TrialSpec> of(List<TrialSpec> trials, Shard shard) {
        return partition(trials, shard.count()).get(shard.index());
    }
}

package dev.metascale.core.shard;

import dev.metascale.core.spec.SuiteLoader;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shards of every shipped suite are disjoint, cover it, keep its order, are the same on every machine and balanced. */
class TrialShardsTest {
    private static final Path SUITES = Path.of("..", "suites");

    private static List<Path> suites() throws Exception {
        try (Stream<Path> files = Files.list(SUITES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theShardsOfEveryShippedSuiteAreDisjointAndCoverIt() throws Exception {
        List<Path> files = suites();
        assertFalse(files.isEmpty());
        for (Path file : files) {
            List<TrialSpec> trials = SuiteLoader.load(file).trials();
            for (int n = 1; n <= 7; n++) {
                List<List<TrialSpec>> shards = TrialShards.partition(trials, n);
                assertEquals(n, shards.size());
                Set<String> seen = new HashSet<>();
                List<TrialSpec> joined = new ArrayList<>();
                for (List<TrialSpec> shard : shards) {
                    for (TrialSpec t : shard) {
                        assertTrue(seen.add(t.id()), file + " " + n + " shards: trial " + t.id() + " in two shards");
                    }
                    joined.addAll(shard);
                    // each shard keeps the suite's order
                    List<Integer> positions = shard.stream().map(trials::indexOf).toList();
                    assertEquals(positions.stream().sorted().toList(), positions, file + ": shard order");
                }
                assertEquals(trials.size(), joined.size(), file + " " + n + " shards must cover the suite");
                assertEquals(shards, TrialShards.partition(List.copyOf(trials), n), "the same partition every time");
                // longest-processing-time bound: no shard exceeds the mean by more than the largest trial
                double total = trials.stream().mapToDouble(TrialCost::estimate).sum();
                double largest = trials.stream().mapToDouble(TrialCost::estimate).max().orElse(0);
                for (List<TrialSpec> shard : shards) {
                    double load = shard.stream().mapToDouble(TrialCost::estimate).sum();
                    assertTrue(load <= total / n + largest + 1e-6, file + " " + n + " shards: a shard of " + load
                            + " against a mean of " + total / n);
                }
            }
        }
    }

    @Test
    void theCostEstimateFollowsWhatATrialComputes() throws Exception {
        List<TrialSpec> t = SuiteLoader.parse("name: x\nsweep:\n  sampler.shots: [1, 5]\n  algorithm.name: [maml, fomaml]\n"
                + "  model.channels: [32, 64]\n", "x.yaml").trials();
        // order: shots outermost, then algorithm, then channels
        TrialSpec oneShot = t.get(0);
        TrialSpec fomaml = t.get(2);
        TrialSpec fiveShot = t.get(4);
        assertEquals(List.of(1, 5), List.of(oneShot.sampler().shots(), fiveShot.sampler().shots()));
        assertTrue(TrialCost.estimate(fiveShot) > TrialCost.estimate(oneShot), "more support examples cost more");
        assertTrue(TrialCost.estimate(t.get(1)) > TrialCost.estimate(oneShot), "wider convolutions cost more");
        assertTrue(TrialCost.estimate(oneShot) > TrialCost.estimate(fomaml), "second order costs more than first order");
    }

    @Test
    void aShardIsReadFromTheCommandLineOrAJobArray() {
        assertEquals(new Shard(2, 4), Shard.parse("2/4"));
        assertEquals("shard-2-of-4", Shard.parse(" 2 / 4 ").directoryName());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/4")).getMessage().contains("0 <= I < N"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shard.parse("two")).getMessage().contains("write I/N"));
        assertEquals(new Shard(1, 3), Shard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "6", "SLURM_ARRAY_TASK_MIN", "5",
                "SLURM_ARRAY_TASK_COUNT", "3")).orElseThrow(), "a SLURM array --array=5-7: task 6 is the second");
        assertEquals(new Shard(0, 2), Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "0", "METASCALE_SHARD_COUNT", "2")).orElseThrow());
        assertTrue(Shard.fromEnvironment(Map.of()).isEmpty());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "1")))
                .getMessage().contains("METASCALE_SHARD_COUNT"));
    }
}

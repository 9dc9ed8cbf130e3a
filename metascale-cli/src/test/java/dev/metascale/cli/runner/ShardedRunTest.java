package dev.metascale.cli.runner;

import dev.metascale.core.result.RunRecords;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.shard.Shard;
import dev.metascale.core.shard.TrialShards;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A suite run as two shards into one run directory (each into its own shard-I-of-2, as two array tasks would) reads
 * back, merged, as exactly the trial set of the same suite run on one machine.
 */
class ShardedRunTest {
    @TempDir
    Path tmp;

    private SuiteRun suiteRun(Path logs) throws Exception {
        TrialRunner runner = new TrialRunner(Trials.fakeLaunch(tmp, Files.createDirectories(tmp.resolve("pids"))), logs);
        return new SuiteRun(runner, dir -> Files.writeString(Files.createDirectories(dir.resolve("report")).resolve("index.html"), ""),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, true);
    }

    @Test
    void twoShardsMergeIntoTheTrialSetOfOneMachine() throws Exception {
        Suite suite = Trials.suite(Trials.trial("none", 0), Trials.trial("none", 1), Trials.trial("none", 2), Trials.trial("none", 3));
        Path sharded = tmp.resolve("sharded");
        for (int i = 0; i < 2; i++) {
            Shard shard = new Shard(i, 2);
            List<TrialSpec> part = TrialShards.of(suite.trials(), shard);
            assertEquals(2, part.size(), "four equal trials: two per shard");
            Path dir = sharded.resolve(shard.directoryName());
            assertEquals(SuiteRun.EXIT_OK, suiteRun(dir.resolve("logs")).run(suite.withTrials(part), dir, false, "resume"));
        }
        Path single = tmp.resolve("single");
        assertEquals(SuiteRun.EXIT_OK, suiteRun(single.resolve("logs")).run(suite, single, false, "resume"));

        RunRecords merged = RunRecords.read(List.of(sharded));
        assertEquals(2, merged.sources().size());
        assertTrue(merged.warnings().isEmpty(), merged.warnings().toString());
        Set<String> shardedIds = merged.records().stream().filter(TrialResult::isOk).map(TrialResult::trialId).collect(Collectors.toSet());
        Set<String> singleIds = RunRecords.read(List.of(single)).records().stream().filter(TrialResult::isOk).map(TrialResult::trialId)
                .collect(Collectors.toSet());
        assertEquals(singleIds, shardedIds);
        assertEquals(suite.trials().stream().map(TrialSpec::id).collect(Collectors.toSet()), shardedIds);
    }
}

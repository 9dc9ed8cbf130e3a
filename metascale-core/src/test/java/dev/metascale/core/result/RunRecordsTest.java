package dev.metascale.core.result;

import dev.metascale.core.json.Json;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run's own results and its shards' read as one; several directories as one run; conflicts named, nothing lost. */
class RunRecordsTest {
    private static TrialSpec spec(String algorithm, long seed) {
        return new TrialSpec("s", "glyphs", new SamplerSpec("fixed", 5, 1, 15), new ModelSpec("conv4", "", List.of(), 32),
                new AlgorithmSpec(algorithm, 0.4, 1, 1, 0.001, 4), new TrainSpec(20, 3), new EvalSpec(50, 1000, null),
                new TechniqueSpec("fp32", 0, 1), seed, 600, "none");
    }

    private static TrialResult ok(TrialSpec s, String at) {
        return TrialResult.ok(s, Json.MAPPER.createObjectNode(), Json.MAPPER.createObjectNode(), Json.MAPPER.createObjectNode(),
                Json.MAPPER.createObjectNode(), at, at, 1.0);
    }

    private static TrialResult failed(TrialSpec s) {
        return TrialResult.failed(s, new ErrorInfo("crash", "boom", ""), Json.MAPPER.createObjectNode(), "t0", "t1", 1.0);
    }

    @Test
    void shardsOfOneDirectoryAndSeveralDirectoriesReadAsOneRun(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        new ResultStore(run.resolve("shard-0-of-2")).append(ok(spec("maml", 0), "a"));
        new ResultStore(run.resolve("shard-1-of-2")).append(failed(spec("fomaml", 0)));
        new ResultStore(run.resolve("shard-1-of-2")).append(ok(spec("fomaml", 0), "b"));
        Files.createDirectories(run.resolve("node-1")); // a multi-node rank's directory is not a shard
        assertTrue(RunRecords.exist(run));
        RunRecords one = RunRecords.read(List.of(run));
        assertEquals(2, one.sources().size());
        assertEquals(3, one.records().size(), "both shards, the failure and its re-run included");
        assertTrue(one.warnings().isEmpty());

        Path other = dir.resolve("other");
        new ResultStore(other).append(ok(spec("protonet", 0), "c"));
        RunRecords both = RunRecords.read(List.of(run, other));
        assertEquals(List.of("maml", "fomaml", "fomaml", "protonet"), both.records().stream().map(r -> r.spec().algorithm().name()).toList());
        assertTrue(!RunRecords.exist(dir.resolve("nothing")));
    }

    @Test
    void aTrialRecordedOkTwiceIsKeptOnceAndNamedWhileACopiedRecordIsQuietlyOne(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        TrialResult first = ok(spec("maml", 0), "2026-12-07T10:00:00Z");
        new ResultStore(a).append(first);
        new ResultStore(b).append(first); // the same record, copied
        RunRecords copied = RunRecords.read(List.of(a, b));
        assertEquals(1, copied.records().size());
        assertTrue(copied.warnings().isEmpty(), copied.warnings().toString());

        new ResultStore(b).append(failed(spec("maml", 0)));
        new ResultStore(b).append(ok(spec("maml", 0), "2026-12-07T11:00:00Z")); // the trial run again elsewhere
        RunRecords conflict = RunRecords.read(List.of(a, b));
        assertEquals(List.of("ok", "failed"), conflict.records().stream().map(TrialResult::status).toList(),
                "a's ok record kept, b's second ok left out, b's failed attempt kept (nothing recorded is lost)");
        assertEquals(1, conflict.warnings().size());
        String w = conflict.warnings().get(0);
        assertTrue(w.contains(first.trialId()) && w.contains(a.toString()) && w.contains(b.toString()) && w.contains("kept the records of the first"), w);
    }
}

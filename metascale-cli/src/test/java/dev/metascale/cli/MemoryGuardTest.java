package dev.metascale.cli;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trials that cannot fit are refused as {@code invalid} within seconds of set-up, before they grow: a meta-batch whose
 * episodes alone outweigh any machine here (a meta_batch of 100000 once reached 11 GB in 60 s before failing), and a
 * data-parallel trial whose ranks together cannot fit (64 ranks once took ~29 GB of a 23 GB machine) — refused by its
 * pre-flight before one rank starts. Sizes are scaled so that no test machine can hold them.
 */
class MemoryGuardTest {
    @TempDir
    Path tmp;

    private TrialResult runOne(String name, String algorithm, String techniques) throws Exception {
        Path suite = tmp.resolve(name + ".yaml");
        Files.writeString(suite, """
                name: %s
                timeout_s: 120
                defaults:
                  dataset: synthetic
                  sampler: {kind: fixed, ways: 5, shots: 1, query: 15}
                  model: {arch: mlp, hidden: [32]}
                  algorithm: %s
                  train: {iterations: 200, warmup: 1}
                  eval: {episodes: 10, seed: 7}
                  techniques: %s
                """.formatted(name, algorithm, techniques));
        Path out = tmp.resolve(name);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(1, commandLine.execute("run", suite.toString(), "--out", out.toString(), "--threads", "1", "--quiet"));
        return new ResultStore(out).readAll().get(0);
    }

    @Test
    void aMetaBatchWhoseEpisodesCannotFitIsRefusedBeforeItGrows() throws Exception {
        TrialResult r = runOne("huge-batch", "{name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 0.003, meta_batch: 10000000}",
                "{precision: fp32}");
        assertFalse(r.isOk());
        assertEquals("invalid", r.error().kind(), r.error().toString());
        assertTrue(r.error().message().contains("cannot fit in this machine's") && r.error().message().contains("episodes")
                && r.error().message().contains("lower algorithm.meta_batch"), r.error().message());
        assertTrue(r.wallTimeS() < 60, "refused after " + r.wallTimeS() + " s");
    }

    @Test
    void ranksThatCannotFitTogetherAreRefusedByThePreflightBeforeOneStarts() throws Exception {
        TrialResult r = runOne("many-ranks", "{name: protonet, outer_lr: 0.003, meta_batch: 2}",
                "{world_size: 1024, scaling: weak}");
        assertFalse(r.isOk());
        assertEquals("invalid", r.error().kind(), r.error().toString());
        assertTrue(r.error().message().startsWith("pre-flight (before starting 1024 ranks)")
                && r.error().message().contains("× 1024 ranks on this machine"), r.error().message());
        try (var logs = Files.list(tmp.resolve("many-ranks/logs"))) {
            assertTrue(logs.noneMatch(p -> p.getFileName().toString().contains(".rank")), "no rank was started");
        }
    }
}

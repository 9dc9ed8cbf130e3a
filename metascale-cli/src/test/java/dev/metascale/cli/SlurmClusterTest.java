package dev.metascale.cli;

import dev.metascale.core.result.RunRecords;
import dev.metascale.core.result.TrialResult;
import dev.metascale.report.ReportWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a real SLURM (Debian's slurm-wlm on localhost, {@link LocalSlurm}): a 4-trial suite submitted as a 2-task job
 * array with the script {@code metascale submit slurm} writes runs real trials in both array tasks, each into its own
 * shard, and the merged run holds exactly the trial set of the same suite run on one machine. Skipped, with the
 * reason, only where the daemons cannot start (not installed, not root).
 */
class SlurmClusterTest {
    @TempDir
    Path tmp;

    private static int execute(StringWriter out, StringWriter err, String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void aFourTrialSuiteAsATwoTaskArrayMergesIntoTheSingleMachineTrialSet() throws Exception {
        LocalSlurm.unavailable().ifPresent(why -> Assumptions.abort("no local SLURM cluster: " + why));
        Path suite = Files.writeString(tmp.resolve("four.yaml"), """
                name: four
                timeout_s: 300
                defaults:
                  dataset: synthetic
                  sampler: {kind: fixed, ways: 3, shots: 1, query: 3}
                  model: {arch: mlp, hidden: [32]}
                  algorithm: {name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 0.003, meta_batch: 2}
                  train: {iterations: 3, warmup: 1}
                  eval: {episodes: 5, seed: 7}
                  seeds: [0, 1]
                sweep:
                  algorithm.name: [maml, protonet]
                """);
        // the command the compute node runs: this test's own classes (a node of a real cluster runs bin/metascale)
        Path home = Path.of("..").toAbsolutePath().normalize();
        Path wrapper = tmp.resolve("metascale");
        Files.writeString(wrapper, "#!/bin/bash\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -Xmx1g -Dmetascale.home=" + home + " -cp '" + System.getProperty("java.class.path") + "' dev.metascale.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path single = tmp.resolve("single");
        Instant t0 = Instant.now();
        assertEquals(0, execute(out, err, "run", suite.toString(), "--out", single.toString(), "--threads", "1", "--quiet"), err.toString());
        Duration singleWall = Duration.between(t0, Instant.now());

        Path sharded = tmp.resolve("sharded");
        assertEquals(0, execute(out, err, "submit", "slurm", suite.toString(), "--out", sharded.toString(), "--shards", "2",
                "--cpus-per-task", "1", "--time", "00:10:00", "--metascale", wrapper.toString()), err.toString());
        Path script = sharded.resolve("submit/four.sbatch");
        // the daemons' own directory lives outside @TempDir: a daemon still flushing its state as it exits must not fail
        // the test's clean-up; it is removed best-effort afterwards
        Path slurmDir = Files.createTempDirectory("metascale-slurm");
        try (LocalSlurm slurm = LocalSlurm.start(slurmDir)) {
            Instant t1 = Instant.now();
            String job = slurm.sbatch(script);
            slurm.awaitGone(job, 600);
            Duration arrayWall = Duration.between(t1, Instant.now());
            StringBuilder logs = new StringBuilder();
            for (int task = 0; task < 2; task++) {
                Path log = sharded.resolve("submit/slurm-" + job + "_" + task + ".out");
                logs.append(log).append(":\n").append(Files.exists(log) ? Files.readString(log) : "(none)").append('\n');
            }

            RunRecords merged = RunRecords.read(List.of(sharded));
            assertEquals(List.of(sharded.resolve("shard-0-of-2/results.jsonl").toAbsolutePath().normalize(),
                    sharded.resolve("shard-1-of-2/results.jsonl").toAbsolutePath().normalize()), merged.sources(), logs.toString());
            Set<String> shardedIds = merged.records().stream().filter(TrialResult::isOk).map(TrialResult::trialId).collect(Collectors.toSet());
            Set<String> singleIds = new dev.metascale.core.result.ResultStore(single).readAll().stream().filter(TrialResult::isOk)
                    .map(TrialResult::trialId).collect(Collectors.toSet());
            assertEquals(4, singleIds.size());
            assertEquals(singleIds, shardedIds, logs.toString());
            assertTrue(merged.warnings().isEmpty(), merged.warnings().toString());
            for (TrialResult r : merged.records()) {
                assertTrue(r.env().path("invocation").path("shard").asText().matches("[01]/2"), "each record says its shard: " + r.env());
            }
            Path index = ReportWriter.write(List.of(sharded), Instant.now());
            assertTrue(Files.readString(index).contains("2 configurations with results"), "the merged report: maml and protonet, two seeds each");
            Files.writeString(Path.of("target", "slurm-cluster-run.txt"), "SLURM job " + job + ": 2 array tasks, 4 trials; array wall "
                    + arrayWall.toMillis() / 1000.0 + " s (one machine, one after another: " + singleWall.toMillis() / 1000.0 + " s)\n"
                    + Files.readString(script) + "\n" + logs, StandardCharsets.UTF_8);
        } finally {
            deleteQuietly(slurmDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort: a temporary directory
        }
    }
}

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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real pipeline: suite file → validation → real worker JVMs on libtorch → results.jsonl → report. */
class EndToEndTest {
    @TempDir
    Path tmp;

    private int execute(StringWriter err, String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** {@code git rev-parse HEAD} of the installation the workers run from, or null outside a git checkout. */
    private static String gitRevisionOfThisCheckout() throws Exception {
        Process git = new ProcessBuilder("git", "-C", dev.metascale.core.env.Environment.home().toString(), "rev-parse", "HEAD")
                .redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        return git.waitFor() == 0 && output.matches("[0-9a-f]{40,64}") ? output : null;
    }

    @Test
    void tunedSuiteWithCurvesRunsInRealWorkersAndReportsTheSearch() throws Exception {
        Path suite = tmp.resolve("tuned.yaml");
        Files.writeString(suite, """
                name: tuned
                timeout_s: 300
                defaults:
                  dataset: synthetic
                  sampler: {kind: fixed, ways: 3, shots: 1, query: 3}
                  model: {arch: conv4, channels: 8}
                  algorithm: {name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 0.003, meta_batch: 2}
                  train: {iterations: 6, warmup: 1, val_every: 3, val_episodes: 5}
                  eval: {episodes: 10, seed: 7}
                sweep:
                  algorithm.name: [maml, protonet]
                tune:
                  trials: 2
                  episodes: 5
                  keys: [outer_lr]
                """);
        Path out = tmp.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, execute(err, "run", suite.toString(), "--out", out.toString(), "--threads", "1", "--quiet"), err.toString());

        List<TrialResult> results = new ResultStore(out).readAll();
        assertEquals(6, results.size(), "2 methods x 2 candidates, then 2 tuned trials");
        assertTrue(results.stream().allMatch(TrialResult::isOk), () -> results.stream().map(r -> String.valueOf(r.error())).toList().toString());
        assertEquals(4, results.stream().filter(r -> r.spec().isTuning() && r.spec().eval().onValidation()).count());
        for (TrialResult r : results) {
            assertEquals(2, r.samples().get("val_curve").size(), "curve points after 3 and 6 iterations");
        }
        String html = Files.readString(out.resolve("report").resolve("index.html"));
        assertTrue(html.contains("Tuning") && html.contains("Learning curves"), "the report shows the search and the curves");
    }

    @Test
    void tinySuiteRunsInRealWorkersAndReports() throws Exception {
        Path suite = tmp.resolve("tiny.yaml");
        Files.writeString(suite, """
                name: tiny
                timeout_s: 300
                defaults:
                  dataset: synthetic
                  sampler: {kind: fixed, ways: 3, shots: 1, query: 3}
                  model: {arch: conv4, channels: 8}
                  algorithm: {name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 0.003, meta_batch: 2}
                  train: {iterations: 6, warmup: 1}
                  eval: {episodes: 10, seed: 7}
                sweep:
                  algorithm.name: [maml, protonet]
                """);
        Path out = tmp.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, execute(err, "run", suite.toString(), "--out", out.toString(), "--threads", "1", "--quiet"), err.toString());

        List<TrialResult> results = new ResultStore(out).readAll();
        assertEquals(2, results.size());
        String revision = gitRevisionOfThisCheckout();
        for (TrialResult r : results) {
            var how = dev.metascale.core.result.RunInvocation.of(r).orElseThrow();
            assertEquals(suite.toAbsolutePath().normalize().toString(), how.suiteFile(), "the suite file's own path");
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(suite))), how.suiteSha256());
            assertEquals(1, how.threads());
            if (revision != null) { // a clone: every worker records its revision (the probe once timed out in workers)
                assertEquals(revision, r.env().path("git_revision").asText(null), "git_revision of " + r.trialId());
                assertTrue(r.env().has("git_dirty"));
            }
            assertTrue(r.isOk(), "trial failed: " + r.error());
            assertTrue(r.metrics().get("accuracy").get("n").asInt() == 10);
            assertTrue(r.env().has("libtorch_version"));
            assertEquals("1", r.env().get("malloc_env").get("OPENBLAS_NUM_THREADS").asText(), "worker runs with OpenBLAS at 1 thread");
        }
        // `env --json` is what a trial records: every env field of these records but the per-trial ones
        StringWriter envOut = new StringWriter();
        CommandLine env = Main.commandLine();
        env.setOut(new PrintWriter(envOut, true));
        env.setErr(new PrintWriter(err, true));
        assertEquals(0, env.execute("env", "--json", "--threads", "1"), err.toString());
        var printed = dev.metascale.core.json.Json.MAPPER.readTree(envOut.toString());
        for (TrialResult r : results) {
            java.util.Set<String> missing = new java.util.TreeSet<>();
            r.env().fieldNames().forEachRemaining(missing::add);
            missing.removeAll(dev.metascale.engine.TrialEnvironment.PER_TRIAL_FIELDS);
            printed.fieldNames().forEachRemaining(missing::remove);
            assertEquals(java.util.Set.of(), missing, "env --json lacks fields of " + r.trialId() + "'s record");
        }
        for (String field : List.of("libtorch_version", "javacpp_version", "torch_threads", "openblas_threads", "blas", "cuda_available")) {
            assertEquals(results.get(0).env().get(field), printed.get(field), field + ": env --json as in the trial record");
        }
        assertTrue(Files.readString(out.resolve("report/index.html")).contains("protonet"));
        assertTrue(Files.readString(out.resolve("report/index.html")).contains("bin/metascale run " + suite.toAbsolutePath().normalize()
                + " --out " + out + " --resume --threads 1"), "the report's re-run command is the one the run was started with");

        // Resume runs nothing more and loses nothing.
        assertEquals(0, execute(new StringWriter(), "run", suite.toString(), "--out", out.toString(), "--resume", "--quiet"));
        assertEquals(2, new ResultStore(out).readAll().size());
    }

    private static String distributedSuite(String fault) {
        return """
                name: ddp
                timeout_s: 120
                defaults:
                  dataset: synthetic
                  sampler: {kind: fixed, ways: 3, shots: 1, query: 3}
                  model: {arch: conv4, channels: 8}
                  algorithm: {name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 0.003, meta_batch: 4}
                  train: {iterations: 5, warmup: 1}
                  eval: {episodes: 10, seed: 7}
                  techniques: {world_size: 2, scaling: strong}
                  fault: %s
                """.formatted(fault);
    }

    @Test
    void dataParallelTrialRunsTwoRanksAndRecordsCommunication() throws Exception {
        Path suite = tmp.resolve("ddp.yaml");
        Files.writeString(suite, distributedSuite("none"));
        Path out = tmp.resolve("ddp");
        StringWriter err = new StringWriter();
        assertEquals(0, execute(err, "run", suite.toString(), "--out", out.toString(), "--threads", "2", "--quiet"), err.toString());
        TrialResult r = new ResultStore(out).readAll().get(0);
        assertTrue(r.isOk(), "trial failed: " + r.error());
        assertEquals(2, r.metrics().get("world_size").asInt());
        assertTrue(r.metrics().get("comm_bytes").asLong() > 0 && r.metrics().get("comm_time_s").asDouble() > 0);
        assertTrue(r.metrics().get("comm_fraction").asDouble() < 1);
        assertTrue(Files.exists(out.resolve("logs/" + r.trialId() + ".rank1.stderr.log")), "rank 1 has its own logs");
        if (r.metrics().has("profile_trace")) { // each rank writes its own trace; rank 0's is the one recorded
            assertTrue(Files.isRegularFile(Path.of(r.metrics().get("profile_trace").asText())), "profile_trace points at a file");
            assertTrue(Files.isRegularFile(out.resolve("traces/" + r.trialId() + ".rank1.json")), "rank 1's trace is its own");
        }
    }

    @Test
    void aRankThatDiesFailsTheTrialPromptlyAndLeavesNoProcess() throws Exception {
        Path suite = tmp.resolve("ddp-fault.yaml");
        Files.writeString(suite, distributedSuite("exit"));
        Path out = tmp.resolve("ddp-fault");
        long start = System.nanoTime();
        assertEquals(1, execute(new StringWriter(), "run", suite.toString(), "--out", out.toString(), "--quiet"));
        double seconds = (System.nanoTime() - start) / 1e9;
        TrialResult r = new ResultStore(out).readAll().get(0);
        assertTrue(!r.isOk() && r.error().message().startsWith("rank 1 of 2:"), "failure names the rank: " + r.error());
        assertEquals("crash", r.error().kind());
        assertTrue(seconds < 60, "took " + seconds + " s: the surviving rank should be killed, not left to time out");
        assertEquals(0, ProcessHandle.current().descendants().count(), "no worker process left behind");
    }

    @Test
    void twoNodesOnLoopbackShareOneDataParallelTrial() throws Exception {
        Path suite = tmp.resolve("ddp-nodes.yaml");
        // two data-parallel trials for both nodes, then two single-process trials: one on each node, not both on node 0
        Files.writeString(suite, distributedSuite("none") + """
                sweep:
                  techniques.world_size: [2, 1]
                  algorithm.name: [maml, fomaml]
                """);
        Path out = tmp.resolve("nodes");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String master = "127.0.0.1:" + port;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.Future<Integer> node0 = pool.submit(() -> execute(new StringWriter(), "run", suite.toString(),
                "--out", out.toString(), "--nnodes", "2", "--node-rank", "0", "--master", master, "--threads", "1", "--quiet"));
        java.util.concurrent.Future<Integer> node1 = pool.submit(() -> execute(new StringWriter(), "run", suite.toString(),
                "--out", out.toString(), "--nnodes", "2", "--node-rank", "1", "--master", master, "--threads", "1", "--quiet"));
        assertEquals(0, node0.get());
        assertEquals(0, node1.get());
        pool.shutdown();
        TrialResult leader = new ResultStore(out).readAll().get(0);
        assertTrue(leader.isOk(), "node 0's record: " + leader.error());
        assertEquals(2, leader.metrics().get("world_size").asInt());
        assertTrue(leader.metrics().has("accuracy"), "rank 0 evaluates");
        TrialResult other = new ResultStore(out.resolve("node-1")).readAll().get(0);
        assertEquals(1, other.metrics().get("rank").asInt(), "node 1 ran global rank 1");
        List<TrialResult> node0Single = new ResultStore(out.resolve("shard-0-of-2")).readAll();
        List<TrialResult> node1Single = new ResultStore(out.resolve("shard-1-of-2")).readAll();
        assertEquals(1, node0Single.size(), "node 0's share of the single-process trials");
        assertEquals(1, node1Single.size(), "node 1 runs the other single-process trial instead of idling");
        assertEquals(1, node1Single.get(0).spec().techniques().worldSize());
        dev.metascale.core.result.RunRecords merged = dev.metascale.core.result.RunRecords.read(List.of(out));
        assertEquals(4, merged.records().stream().filter(TrialResult::isOk).count(), "report DIR reads the two data-parallel"
                + " records of node 0 and both nodes' shards");
    }
}

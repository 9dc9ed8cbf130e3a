package dev.metascale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.Catalog;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void envJsonHasTheMachineFields() throws Exception {
        assertEquals(0, execute("env", "--json"));
        JsonNode env = Json.MAPPER.readTree(out.toString());
        for (String field : new String[]{"cpu_model", "cpu_threads", "memory_bytes", "os", "jvm"}) {
            assertTrue(env.has(field), field + " missing in " + env);
        }
    }

    @Test
    void envTextIsKeyValueLines() {
        assertEquals(0, execute("env"));
        assertTrue(out.toString().lines().anyMatch(line -> line.startsWith("cpu_threads: ")), out.toString());
    }

    @Test
    void listJsonHasEveryCatalogEntry() throws Exception {
        assertEquals(0, execute("list", "--json"));
        JsonNode list = Json.MAPPER.readTree(out.toString());
        assertEquals(Catalog.ALGORITHMS.size(), list.get("algorithms").size());
        JsonNode maml = list.get("algorithms").get(0);
        assertEquals("maml", maml.get("name").asText());
        assertTrue(maml.get("available").asBoolean());
        assertEquals(Catalog.PRECISIONS.size(), list.get("precisions").size());
        assertEquals(Catalog.TECHNIQUES.size(), list.get("techniques").size());
        assertEquals("chunk", list.get("techniques").get(4).get("name").asText(), "each technique by its suite key");
    }

    @Test
    void calibrateOnCudaWithoutItNamesTheFix() {
        assertEquals(Main.EXIT_INVALID, execute("calibrate", "--device", "cuda", "--threads", "1", "--size", "16"));
        assertTrue(err.toString().contains("device cuda needs CUDA") && err.toString().contains("mvn -B -Pcuda"), err.toString());
    }

    @Test
    void listTextShowsAvailability() {
        assertEquals(0, execute("list"));
        assertTrue(out.toString().contains("protonet") && out.toString().matches("(?s).*fp16 +available.*"), out.toString());
    }

    @Test
    void aSuitePathThatIsADirectoryAndAnEmptyOutSayWhatIsWrong() throws Exception {
        assertEquals(2, execute("validate", tmp.toString()));
        assertTrue(err.toString().contains("is a directory, not a suite file"), err.toString());
        Path suite = Files.writeString(tmp.resolve("s.yaml"), "name: s\n");
        Path cwd = Path.of("").toAbsolutePath();
        long before;
        try (var files = Files.list(cwd)) {
            before = files.count();
        }
        assertEquals(2, execute("run", suite.toString(), "--out", ""));
        assertTrue(err.toString().contains("--out is empty"), err.toString());
        try (var files = Files.list(cwd)) {
            assertEquals(before, files.count(), "nothing was written into the working directory");
        }
    }

    @Test
    void aShardIsCheckedBeforeAnyWorkerStartsAndAnEmptyShardHasNothingToDo() throws Exception {
        Path suite = Files.writeString(tmp.resolve("s.yaml"), "name: s\ndefaults:\n  dataset: synthetic\n  train: {iterations: 2, warmup: 0}\n");
        Path out = tmp.resolve("run");
        assertEquals(2, execute("run", suite.toString(), "--out", out.toString(), "--shard", "2/2"));
        assertTrue(err.toString().contains("shard 2/2 does not exist"), err.toString());
        assertEquals(2, execute("run", suite.toString(), "--out", out.toString(), "--shard", "0/2", "--nnodes", "2", "--node-rank", "0",
                "--master", "127.0.0.1:29500"));
        assertTrue(err.toString().contains("--shard runs whole trials on this machine"), err.toString());
        // one trial, two shards: the trial goes to shard 0, shard 1 has nothing to run
        assertEquals(0, execute("run", suite.toString(), "--out", out.toString(), "--shard", "1/2"));
        assertTrue(out.toString().isEmpty() || !Files.exists(out.resolve("shard-1-of-2").resolve("logs")), "no worker was started");
        assertTrue(this.out.toString().contains("shard 1/2 has no trial"), this.out.toString());
    }

    @Test
    void aDataSetThatCannotBeOpenedIsAValidationErrorNotAWorkerCrash() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("METASCALE_IMAGE_FOLDER") == null);
        Path suite = Files.writeString(tmp.resolve("mine.yaml"), "name: mine\ndefaults:\n  dataset: image-folder\n");
        assertEquals(2, execute("validate", suite.toString()));
        assertTrue(err.toString().contains("dataset image-folder: image-folder needs the folder of your images: set METASCALE_IMAGE_FOLDER"),
                err.toString());
        Path out = tmp.resolve("run");
        assertEquals(2, execute("run", suite.toString(), "--out", out.toString()));
        assertTrue(!Files.exists(out.resolve("logs")), "no worker was started");
    }

    @Test
    void invalidInputExitsTwo() {
        assertEquals(2, execute());
        assertEquals(2, execute("run"));
        assertEquals(2, execute("frobnicate"));
        assertEquals(2, execute("validate", tmp.resolve("missing.yaml").toString()));
        assertTrue(err.toString().contains("no such suite file"), err.toString());
        assertEquals(2, execute("report", tmp.toString()));
        assertTrue(err.toString().contains("holds no results.jsonl"), err.toString());
    }

    @Test
    void theWorkerSubcommandRecordsAnInjectedThrowAsACrash() throws Exception {
        TrialSpec spec = new TrialSpec("t", "synthetic", new SamplerSpec("fixed", 5, 1, 15), new ModelSpec("conv4", null, null, 64),
                new AlgorithmSpec("maml", 0.4, 1, 1, 0.001, 4), new TrainSpec(5, 1), new EvalSpec(10, 0, "glyphs"),
                new TechniqueSpec("fp32", 0, 1), 0, 60, "throw");
        Path specFile = tmp.resolve("spec.json");
        Files.writeString(specFile, spec.toJson().toString());
        Path result = tmp.resolve("result.json");

        assertEquals(0, execute("worker", "--spec", specFile.toString(), "--result", result.toString(), "--threads", "1"));

        TrialResult record = TrialResult.fromJsonLine(Files.readString(result));
        assertEquals(spec.id(), record.trialId());
        assertEquals("crash", record.error().kind());
    }

    @Test
    void theWorkerCommandIsHidden() {
        execute("--help");
        assertTrue(out.toString().contains("validate"));
        assertTrue(out.toString().lines().noneMatch(line -> line.strip().startsWith("worker")), out.toString());
    }
}

package dev.metascale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

/**
 * {@code submit slurm} writes an sbatch job array whose tasks run the shards (bash accepts it; the array covers the
 * shards); {@code submit k8s} writes a valid Indexed Job of that many completions with the shard count in its env.
 */
class SubmitCommandTest {
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

    private Path suite() throws Exception {
        return Files.writeString(tmp.resolve("four.yaml"), "name: four\ndefaults:\n  dataset: synthetic\n  train: {iterations: 3, warmup: 1}\n"
                + "  eval: {episodes: 5, seed: 1}\n  seeds: [0, 1]\nsweep:\n  algorithm.name: [maml, protonet]\n");
    }

    @Test
    void slurmWritesAJobArrayOfTheShards() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, execute("submit", "slurm", suite().toString(), "--out", run.toString(), "--shards", "2", "--partition", "debug",
                "--time", "00:30:00", "--cpus-per-task", "1"), err.toString());
        Path script = run.resolve("submit/four.sbatch");
        String text = Files.readString(script);
        assertTrue(text.contains("#SBATCH --array=0-1\n"), text);
        assertTrue(text.contains("#SBATCH --cpus-per-task=1\n") && text.contains("#SBATCH --partition=debug\n")
                && text.contains("#SBATCH --time=00:30:00\n"), text);
        assertTrue(text.contains(" run " + tmp.resolve("four.yaml").toAbsolutePath() + " --out " + run.toAbsolutePath() + " --resume --threads 1"), text);
        assertTrue(out.toString().contains("shard 0/2: 2 trials") && out.toString().contains("shard 1/2: 2 trials"), out.toString());
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, bash.waitFor(), new String(bash.getInputStream().readAllBytes()));
    }

    @Test
    void kubernetesWritesAnIndexedJobOfTheShards() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, execute("submit", "k8s", suite().toString(), "--out", run.toString(), "--shards", "3", "--image",
                "registry.example/metascale:1", "--claim", "runs", "--mem", "8Gi"), err.toString());
        JsonNode job = new ObjectMapper(new YAMLFactory()).readTree(run.resolve("submit/four-job.yaml").toFile());
        assertEquals("Job", job.path("kind").asText());
        assertEquals("Indexed", job.at("/spec/completionMode").asText());
        assertEquals(3, job.at("/spec/completions").asInt());
        JsonNode container = job.at("/spec/template/spec/containers/0");
        assertEquals("registry.example/metascale:1", container.path("image").asText());
        assertEquals("METASCALE_SHARD_COUNT", container.at("/env/0/name").asText());
        assertEquals("3", container.at("/env/0/value").asText());
        assertEquals("8Gi", container.at("/resources/requests/memory").asText());
        List<String> command = new ObjectMapper().convertValue(container.path("command"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertEquals("/opt/metascale/bin/metascale", command.get(0));
        assertEquals(List.of("run"), command.subList(1, 2));
        assertTrue(command.contains("--resume"));
        assertEquals(run.toAbsolutePath().toString(), container.at("/volumeMounts/0/mountPath").asText());
        assertEquals("runs", job.at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName").asText());
    }

    @Test
    void aMissingSchedulerOrShardCountSaysWhatToWrite() throws Exception {
        assertEquals(2, execute("submit"));
        assertTrue(err.toString().contains("name the scheduler"), err.toString());
        assertEquals(2, execute("submit", "slurm", suite().toString(), "--out", tmp.resolve("r").toString(), "--shards", "0"));
        assertTrue(err.toString().contains("--shards must be at least 1"), err.toString());
    }
}

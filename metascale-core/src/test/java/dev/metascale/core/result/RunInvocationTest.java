package dev.metascale.core.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunInvocationTest {
    @TempDir
    Path tmp;

    @Test
    void theResumeCommandRepeatsTheOptionsThatShapedTheTrials() throws Exception {
        Path suite = Files.writeString(tmp.resolve("my suite.yaml"), "name: s\n");
        RunInvocation how = RunInvocation.of(suite, 2, List.of("seed=0", "sampler.shots=1"), 1, 0, null);
        assertEquals("metascale run '" + suite.toAbsolutePath() + "' --out runs/s --resume --threads 2 --only seed=0"
                + " --only sampler.shots=1", how.resumeCommand("metascale", "runs/s"));
        assertEquals(RunInvocation.sha256("name: s\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), how.suiteSha256());
        RunInvocation nodes = RunInvocation.of(suite, null, List.of(), 2, 1, "10.0.0.1:29500");
        assertEquals(List.of("run", suite.toAbsolutePath().toString(), "--out", "d", "--resume", "--nnodes", "2", "--node-rank", "1",
                "--master", "10.0.0.1:29500"), nodes.resumeArguments("d"));
    }

    @Test
    void itTravelsInTheRecordsEnvironmentUnderSnakeCaseKeys() throws Exception {
        Path suite = Files.writeString(tmp.resolve("s.yaml"), "name: s\n");
        RunInvocation how = RunInvocation.of(suite, null, List.of(), 1, 0, null);
        ObjectNode json = how.toJson();
        assertEquals(List.of("suite_file", "suite_sha256", "only", "nnodes", "node_rank"), iterable(json));
        ObjectNode env = Json.MAPPER.createObjectNode();
        env.set(RunInvocation.ENV_KEY, json);
        TrialResult record = new TrialResult(TrialResult.SCHEMA, "t", "c", TrialResult.OK, null, null, null, env, null, null,
                null, null, 0);
        assertEquals(how, RunInvocation.of(record).orElseThrow());
    }

    private static List<String> iterable(ObjectNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package dev.metascale.core.result;

import dev.metascale.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records are never lost: a torn last line is quarantined before the next append instead of swallowing it. */
class ResultStoreTest {
    @TempDir
    Path dir;

    private static TrialResult record(String id) {
        dev.metascale.core.spec.TrialSpec spec = new dev.metascale.core.spec.TrialSpec("store", "synthetic",
                new dev.metascale.core.spec.SamplerSpec("fixed", 5, 1, 15), new dev.metascale.core.spec.ModelSpec("mlp", null, List.of(8), 0),
                new dev.metascale.core.spec.AlgorithmSpec("protonet", 0.4, 1, 1, 0.001, 4), new dev.metascale.core.spec.TrainSpec(5, 1),
                new dev.metascale.core.spec.EvalSpec(10, 0, "glyphs"), new dev.metascale.core.spec.TechniqueSpec("fp32", 0, 1), 0, 60, "none");
        return new TrialResult(TrialResult.SCHEMA, id, spec.configId(), TrialResult.OK, null, spec, null, null, null, null,
                null, null, 0);
    }

    @Test
    void aTornTailIsMovedAsideAndTheNextRecordStaysReadable() throws Exception {
        ResultStore store = new ResultStore(dir);
        store.append(record("a"));
        store.append(record("b"));
        String torn = "{\"schema\":\"metascale.trial/1\",\"trial_id\":\"c\",\"sta";
        Files.writeString(store.file(), torn, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        store.append(record("d"));
        store.append(record("e"));

        List<String> ids = store.readAll().stream().map(TrialResult::trialId).toList();
        assertEquals(List.of("a", "b", "d", "e"), ids, "every whole record is readable after the torn one");
        String text = Files.readString(store.file());
        assertTrue(text.endsWith("\n") && !text.contains("\"sta{"), text);
        List<Path> side;
        try (Stream<Path> files = Files.list(dir)) {
            side = files.filter(p -> p.getFileName().toString().startsWith(ResultStore.FILE_NAME + ".torn-")).toList();
        }
        assertEquals(1, side.size(), "the damaged bytes are kept in one side file");
        assertEquals(torn, Files.readString(side.get(0)), "byte for byte");
    }

    @Test
    void aWholeFileIsAppendedToAsItIs() throws Exception {
        ResultStore store = new ResultStore(dir);
        store.append(record("a"));
        store.append(record("b"));
        assertEquals(2, Files.readAllLines(store.file()).size());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no side file when nothing was torn");
        }
    }
}

package dev.metascale.engine.technique;

import dev.metascale.core.component.Components;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.InvalidSuiteException;
import dev.metascale.core.spec.SuiteLoader;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.TrialExecutor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A technique registered from one file ({@link ReversedTasks}) gets a suite key with its type and rules, enters the
 * trial id only when set, and is applied by the worker's gradient strategy: the same training as the plain order.
 */
class TechniquePluginTest {
    private static final String SUITE = """
            name: toy-technique
            defaults:
              dataset: synthetic
              sampler: {kind: fixed, ways: 5, shots: 1, query: 5}
              model: {arch: conv4, channels: 16}
              algorithm: {name: fomaml, meta_batch: 3, inner_steps: 1}
              train: {iterations: 4, warmup: 1}
              eval: {episodes: 40, seed: 1000}
            """;

    private static TrialSpec trial(String techniques) throws InvalidSuiteException {
        return SuiteLoader.parse(SUITE + techniques, "toy.yaml").trials().get(0);
    }

    @Test
    void aRegisteredTechniqueIsASuiteKeyThatEntersTheIdOnlyWhenSet() throws Exception {
        assertTrue(Components.technique(ReversedTasks.KEY).isPresent());
        TrialSpec plain = trial("");
        TrialSpec off = trial("  techniques: {reverse_tasks: false}\n");
        TrialSpec on = trial("  techniques: {reverse_tasks: true}\n");
        assertEquals(plain.id(), off.id(), "at its default the technique leaves the trial id as it was");
        assertFalse(Json.MAPPER.valueToTree(plain).get("techniques").has("options"));
        assertNotEquals(plain.id(), on.id());
        assertEquals(true, on.techniques().option(ReversedTasks.KEY));
        assertEquals(false, plain.techniques().option(ReversedTasks.KEY));
    }

    @Test
    void itsOwnRulesAndTypeAreValidated() {
        String wrongType = assertThrows(InvalidSuiteException.class, () -> trial("  techniques: {reverse_tasks: 3}\n")).getMessage();
        assertTrue(wrongType.contains("expected true or false"), wrongType);
        String withChunk = assertThrows(InvalidSuiteException.class,
                () -> trial("  techniques: {reverse_tasks: true, chunk: 2}\n")).getMessage();
        assertTrue(withChunk.contains("reverse_tasks back-propagates task by task"), withChunk);
        String reptile = assertThrows(InvalidSuiteException.class, () -> SuiteLoader.parse(SUITE.replace("fomaml", "reptile")
                + "  techniques: {reverse_tasks: true}\n", "toy.yaml")).getMessage();
        assertTrue(reptile.contains("reptile has none: remove reverse_tasks"), reptile);
        String typo = assertThrows(InvalidSuiteException.class, () -> trial("  techniques: {revers_tasks: true}\n")).getMessage();
        assertTrue(typo.contains("did you mean 'reverse_tasks'"), typo);
    }

    @Test
    void theWorkerAppliesItAndTrainsAsThePlainOrderDoes() throws Exception {
        TrialResult plain = TrialExecutor.execute(trial(""), 1, "2026-01-01T00:00:00Z", line -> { });
        int before = ReversedTasks.STEPS.get();
        TrialResult reversed = TrialExecutor.execute(trial("  techniques: {reverse_tasks: true}\n"), 1, "2026-01-01T00:00:00Z", line -> { });
        assertTrue(plain.isOk() && reversed.isOk(), reversed.toString());
        assertTrue(ReversedTasks.STEPS.get() - before >= 4, "every meta-step went through the technique");
        double a = plain.metrics().get("final_train_loss").asDouble();
        double b = reversed.metrics().get("final_train_loss").asDouble();
        assertEquals(a, b, 1e-4 * Math.abs(a), "the same meta-gradient in another order trains alike");
    }
}

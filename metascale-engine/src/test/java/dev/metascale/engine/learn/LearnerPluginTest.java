package dev.metascale.engine.learn;

import dev.metascale.core.component.Components;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.Catalog;
import dev.metascale.core.spec.InvalidSuiteException;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.SuiteLoader;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.TrialExecutor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A learner registered from one file ({@link ToyCentroids}) goes through validation and a worker trial like a built-in one. */
class LearnerPluginTest {
    private static final String SUITE = """
            name: toy
            defaults:
              dataset: synthetic
              sampler: {kind: fixed, ways: 5, shots: 1, query: 5}
              model: {arch: conv4, channels: 16}
              algorithm: {name: toy-centroids, meta_batch: 2}
              train: {iterations: 4, warmup: 1}
              eval: {episodes: 40, seed: 1000}
            """;

    @Test
    void aRegisteredLearnerIsValidatedListedAndRunByTheWorker() throws Exception {
        assertTrue(Components.learner(ToyCentroids.NAME).isPresent());
        assertTrue(Catalog.ALGORITHMS.stream().anyMatch(e -> e.name().equals(ToyCentroids.NAME)), "metascale list shows it");

        Suite suite = SuiteLoader.parse(SUITE, "toy.yaml");
        assertEquals(1, suite.trials().size());
        TrialSpec spec = suite.trials().get(0);
        TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });

        assertTrue(result.isOk());
        double accuracy = result.metrics().get("accuracy").get("mean").asDouble();
        assertTrue(accuracy > 0.4, "nearest centroid beats 20 % chance on the synthetic prototypes, got " + accuracy);
        assertFalse(result.metrics().has("flops_per_iter"), "a learner without a FLOP formula records none (absent, not 0)");
    }

    @Test
    void aLearnersOwnHyperparameterIsASuiteKeyWithItsDefaultAndBound() throws Exception {
        TrialSpec plain = SuiteLoader.parse(SUITE, "toy.yaml").trials().get(0);
        TrialSpec atDefault = SuiteLoader.parse(SUITE.replace("meta_batch: 2}", "meta_batch: 2, temperature: 1.0}"), "toy.yaml").trials().get(0);
        TrialSpec hot = SuiteLoader.parse(SUITE.replace("meta_batch: 2}", "meta_batch: 2, temperature: 4}"), "toy.yaml").trials().get(0);
        assertEquals(plain.id(), atDefault.id(), "at its default the key leaves the trial id as it was");
        assertFalse(dev.metascale.core.json.Json.MAPPER.valueToTree(plain).get("algorithm").has("options"));
        assertEquals(1.0, plain.algorithm().option(ToyCentroids.TEMPERATURE).doubleValue());
        assertEquals(4.0, hot.algorithm().option(ToyCentroids.TEMPERATURE).doubleValue());
        InvalidSuiteException e = assertThrows(InvalidSuiteException.class,
                () -> SuiteLoader.parse(SUITE.replace("meta_batch: 2}", "meta_batch: 2, temperature: 0}"), "toy.yaml"));
        assertTrue(e.getMessage().contains("algorithm.temperature") && e.getMessage().contains("must be > 0"), e.getMessage());

        // the worker hands the value to the learner: the query loss of the same rule at 4x the temperature differs
        double loss1 = TrialExecutor.execute(plain, 1, "2026-01-01T00:00:00Z", line -> { }).metrics().get("final_train_loss").asDouble();
        double loss4 = TrialExecutor.execute(hot, 1, "2026-01-01T00:00:00Z", line -> { }).metrics().get("final_train_loss").asDouble();
        assertTrue(Math.abs(loss1 - loss4) > 1e-3, "temperature reached the learner: " + loss1 + " vs " + loss4);
    }

    @Test
    void validationRejectsATechniqueTheDescriptorDoesNotDeclare() {
        InvalidSuiteException e = assertThrows(InvalidSuiteException.class,
                () -> SuiteLoader.parse(SUITE + "  techniques: {checkpointing: true}\n", "toy.yaml"));
        assertTrue(e.getMessage().contains("activation checkpointing is implemented for maml (query pass only), fomaml,"),
                e.getMessage());
        assertTrue(e.getMessage().contains("not toy-centroids"), e.getMessage());
    }
}

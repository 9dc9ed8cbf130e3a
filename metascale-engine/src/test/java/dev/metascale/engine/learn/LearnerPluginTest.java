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
    void validationRejectsATechniqueTheDescriptorDoesNotDeclare() {
        InvalidSuiteException e = assertThrows(InvalidSuiteException.class,
                () -> SuiteLoader.parse(SUITE + "  techniques: {checkpointing: true}\n", "toy.yaml"));
        assertTrue(e.getMessage().contains("activation checkpointing is implemented for maml (query pass only), fomaml,"),
                e.getMessage());
        assertTrue(e.getMessage().contains("not toy-centroids"), e.getMessage());
    }
}

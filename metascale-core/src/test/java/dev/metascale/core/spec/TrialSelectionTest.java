package dev.metascale.core.spec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialSelectionTest {

    private static Suite suite() throws InvalidSuiteException {
        return SuiteLoader.parse(SuiteLoaderTest.DESIGN_EXAMPLE.replace("seeds: [0]", "seeds: [0, 1]"), "s.yaml");
    }

    @Test
    void keepsTheTrialsWithEveryGivenValueInSuiteOrder() throws Exception {
        Suite all = suite();
        assertEquals(12, all.trials().size());
        Suite slice = TrialSelection.parse(List.of("sampler.shots=1", "seed=0")).apply(all);
        assertEquals(3, slice.trials().size());
        assertEquals(List.of("maml", "fomaml", "protonet"), slice.trials().stream().map(t -> t.algorithm().name()).toList());
        slice.trials().forEach(t -> {
            assertEquals(1, t.sampler().shots());
            assertEquals(0, t.seed());
        });
        Suite one = TrialSelection.parse(List.of("algorithm.name=protonet", "sampler.shots=5", "seed=1")).apply(all);
        assertEquals(1, one.trials().size());
        assertTrue(all.trials().contains(one.trials().get(0)), "the selected trial is the suite's own (same id)");
    }

    @Test
    void techniquesLeftOutAtTheirDefaultAndPluginTechniquesAreSelectable() throws Exception {
        // parallel_tasks and vectorize_tasks are absent from a record at their default (so trial ids did not change)
        // and vectorize_tasks lives in techniques.options: --only must still read both by their suite keys
        Suite all = SuiteLoader.parse("name: x\ndefaults:\n  algorithm: {name: maml}\nsweep:\n  techniques.vectorize_tasks: [false, true]\n"
                + "  model.arch: [conv4, mlp]\n", "s.yaml");
        Suite plain = TrialSelection.parse(List.of("techniques.vectorize_tasks=false", "model.arch=mlp")).apply(all);
        assertEquals(1, plain.trials().size());
        assertTrue(plain.trials().get(0).techniques().options().isEmpty());
        Suite vectorized = TrialSelection.parse(List.of("techniques.vectorize_tasks=true")).apply(all);
        assertEquals(2, vectorized.trials().size());
        vectorized.trials().forEach(t -> assertEquals(true, t.techniques().options().get("vectorize_tasks")));
        Suite tasks = SuiteLoader.parse("name: x\ndefaults:\n  algorithm: {name: maml}\nsweep:\n  techniques.parallel_tasks: [0, 2]\n", "s.yaml");
        assertEquals(List.of(0), TrialSelection.parse(List.of("techniques.parallel_tasks=0")).apply(tasks).trials().stream()
                .map(t -> t.techniques().parallelTasks()).toList());
    }

    @Test
    void labelsNameTheSamplerOfVariableEpisodes() {
        assertEquals("5w1s", new SamplerSpec("fixed", 5, 1, 15).label());
        assertEquals("5w1-5s", new SamplerSpec("imbalanced", 5, 1, 15, 1, 5, false).label());
        assertEquals("meta-dataset", new SamplerSpec("meta-dataset", 5, 1, 15).label());
    }

    @Test
    void noConditionsIsTheWholeSuite() throws Exception {
        Suite all = suite();
        assertSame(all, TrialSelection.all().apply(all));
    }

    @Test
    void anUnknownKeyNamesTheNearestField() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrialSelection.parse(List.of("sampler.shot=1")).apply(suite()));
        assertTrue(e.getMessage().contains("did you mean sampler.shots?"), e.getMessage());
    }

    @Test
    void aSelectionOfNothingSaysWhichValuesExist() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrialSelection.parse(List.of("sampler.shots=3")).apply(suite()));
        assertTrue(e.getMessage().contains("sampler.shots takes 1, 5"), e.getMessage());
    }

    @Test
    void anArgumentWithoutEqualsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrialSelection.parse(List.of("seed")));
        assertTrue(e.getMessage().contains("KEY=VALUE"), e.getMessage());
    }
}

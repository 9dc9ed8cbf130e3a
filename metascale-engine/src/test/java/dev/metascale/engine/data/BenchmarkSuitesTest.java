package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.SuiteLoader;
import dev.metascale.core.spec.TrialSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The benchmark suites of this data layer load and validate, and draw samplers this layer builds. */
class BenchmarkSuitesTest {
    private static final Path SUITES = Path.of("..", "suites");
    /** A one-class text data set for building the text models. */
    private static final FewShotDataset TEXTS = TextDataset.build("t", "t-1", "0",
        java.util.Map.of(Split.TRAIN, List.of(new TextDataset.TextClass("a", "a", List.of("a text")))), null);

    @Test
    void nlpMinilmIsWordNet5Way5ShotOnMinilmWithTheSevenLearners() throws Exception {
        Suite suite = SuiteLoader.load(SUITES.resolve("nlp-minilm.yaml"));
        assertEquals(Set.of("maml", "fomaml", "anil", "protonet", "lora", "finetune", "linear-probe"),
            suite.trials().stream().map(t -> t.algorithm().name()).collect(Collectors.toSet()));
        for (TrialSpec t : suite.trials()) {
            assertEquals("wordnet", t.dataset());
            assertEquals("minilm", t.model().arch());
            assertEquals(List.of(5, 5, 15), List.of(t.sampler().ways(), t.sampler().shots(), t.sampler().query()));
        }
    }

    @Test
    void glyphsStandardHasTheFourConfigurationsAnd600TestEpisodes() throws Exception {
        Suite suite = SuiteLoader.load(SUITES.resolve("glyphs-standard.yaml"));
        List<TrialSpec> trials = suite.trials();
        assertEquals(8, trials.size());
        Set<String> configs = trials.stream().map(t -> t.sampler().ways() + "-way " + t.sampler().shots() + "-shot")
            .collect(Collectors.toSet());
        assertEquals(Set.of("5-way 1-shot", "5-way 5-shot", "20-way 1-shot", "20-way 5-shot"), configs);
        assertEquals(Set.of("maml", "protonet"), trials.stream().map(t -> t.algorithm().name()).collect(Collectors.toSet()));
        for (TrialSpec t : trials) {
            assertEquals("glyphs", t.dataset());
            assertEquals(600, t.eval().episodes());
            assertEquals(1000, t.eval().seed(), "one shared test pool");
        }
    }

    /** Every shipped suite validates, and every model and learner it names can be built by this engine. */
    @Test
    void everyShippedSuiteValidatesAndNamesWhatTheEngineBuilds() throws Exception {
        List<Path> files;
        try (var stream = java.nio.file.Files.list(SUITES)) {
            files = stream.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "suites/ should hold the shipped suites, found " + files);
        for (Path file : files) {
            Suite suite = SuiteLoader.load(file);
            assertTrue(!suite.trials().isEmpty(), file + " expands to no trial");
            for (TrialSpec t : suite.trials()) {
                if (t.model().arch().equals("char-lm")) { // reads character windows, sized by the data set's vocabulary
                    dev.metascale.engine.model.CharLm.preset(t.model().size(), 100, 64);
                } else if (t.model().arch().equals("minilm")) {
                    dev.metascale.engine.model.Models.create(t.model(), TEXTS);
                } else {
                    dev.metascale.engine.model.Models.create(t.model(), 28, 28);
                }
            }
        }
    }

    @Test
    void metaDatasetStyleTestsInDomainAndCrossDomain() throws Exception {
        Suite suite = SuiteLoader.load(SUITES.resolve("meta-dataset-style.yaml"));
        assertEquals(2, suite.trials().size());
        for (TrialSpec t : suite.trials()) {
            assertEquals("meta-dataset", t.sampler().kind());
            assertEquals("protonet", t.algorithm().name());
            assertTrue(Samplers.KINDS.contains(t.sampler().kind()));
            // the sampler builds on a data set with enough classes
            assertTrue(Samplers.create(t.sampler(), SyntheticDataset.create(0, 64, 16, 32, 20), Split.TEST)
                .episode(t.eval().seed(), 0).ways() >= 5);
        }
        assertEquals(Set.of("fashion-mnist"), suite.trials().stream().map(t -> t.eval().dataset())
            .filter(d -> d != null && !d.equals("glyphs")).collect(Collectors.toSet()));
    }
}

package dev.metascale.core.spec;

import dev.metascale.core.tune.SearchRange;
import dev.metascale.core.tune.TunePlan;
import dev.metascale.core.tune.TuneSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code tune:} block: what it reads, and every bad value reported with its line and the fix. */
class TuneBlockTest {
    private static final String SUITE = """
            name: tuned
            defaults:
              dataset: synthetic
              model: {arch: mlp, hidden: [16]}
              algorithm: {inner_lr: 0.4, outer_lr: 0.003}
              train: {iterations: 10, warmup: 1}
              seeds: [0, 1, 2]
            sweep:
              algorithm.name: [maml, protonet]
            tune:
            """;

    @Test
    void randomSearchReadsEveryKeyAndGivesEachMethodTheSameBudget() throws Exception {
        Suite suite = SuiteLoaderTest.parse(SUITE + """
                  search: random
                  trials: 5
                  seed: 3
                  seeds: [0, 1]
                  episodes: 50
                  eval_seed: 77
                  keys:
                    inner_lr: {low: 0.05, high: 1.0}
                    outer_lr:
                """);
        TuneSpec tune = suite.tuning().orElseThrow();
        assertEquals(TuneSpec.RANDOM, tune.search());
        assertEquals(5, tune.trials());
        assertEquals(List.of(0L, 1L), tune.seeds());
        assertEquals(50, tune.episodes());
        assertEquals(77, tune.evalSeed());
        SearchRange innerLr = tune.keys().get("inner_lr");
        assertEquals(0.05, innerLr.low());
        assertTrue(innerLr.logScale(), "the declared scale is kept");
        assertEquals(null, tune.keys().get("outer_lr"), "no range: the declaring learner's");

        TunePlan plan = TunePlan.of(tune, suite.trials());
        assertEquals(2, plan.searches().size(), "one search per configuration, seeds aside");
        for (TunePlan.Search search : plan.searches()) {
            assertEquals(5, search.candidates().size(), search.method() + ": the same number of candidates");
            assertEquals(suite.trials().get(search.method().equals("maml") ? 0 : 1).algorithm(), search.candidates().get(0),
                    "the suite's own setting is the first candidate");
            assertEquals(5, search.candidates().stream().distinct().count());
        }
        assertEquals(List.of("outer_lr"), plan.searches().get(1).ranges().stream().map(SearchRange::key).toList(),
                "protonet searches only what it reads");
        assertEquals(20, plan.trials().size(), "2 methods x 5 candidates x 2 seeds");
        assertTrue(plan.trials().stream().allMatch(t -> t.isTuning() && t.eval().onValidation() && t.eval().episodes() == 50
                && t.eval().seed() == 77));
        for (TrialSpec t : plan.trials()) {
            double lr = t.algorithm().innerLr();
            assertTrue(t.algorithm().name().equals("protonet") || (lr >= 0.05 && lr <= 1.0), "inner_lr in its range: " + lr);
        }
        assertEquals(plan.trials(), TunePlan.of(tune, suite.trials()).trials(), "seeded: the same plan every time");
    }

    @Test
    void gridsOfDifferentSizesAreRefusedWithTheFix() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + """
                  search: grid
                  keys: {inner_lr: [0.1, 0.4], outer_lr: [0.001, 0.003]}
                """);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("different budgets") && errors.get(0).contains("maml=4")
                && errors.get(0).contains("protonet=2") && errors.get(0).contains("tune.trials"), errors.get(0));
    }

    @Test
    void gridSubsampledToTrialsGivesEveryMethodThatMany() throws Exception {
        Suite suite = SuiteLoaderTest.parse(SUITE + """
                  search: grid
                  trials: 2
                  keys: {inner_lr: [0.1, 0.4], outer_lr: [0.001, 0.003]}
                """);
        TunePlan plan = TunePlan.of(suite.tune(), suite.trials());
        assertEquals(List.of(2, 2), plan.searches().stream().map(s -> s.candidates().size()).toList());
    }

    @Test
    void gridSmallerThanTheBudgetIsRefused() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + """
                  search: grid
                  trials: 3
                  keys: {inner_lr: [0.1, 0.4], outer_lr: [0.001, 0.003]}
                """);
        assertTrue(errors.get(0).contains("protonet's grid") && errors.get(0).contains("fewer than tune.trials 3"), errors.toString());
    }

    @Test
    void badValuesAreEachReportedAtTheirLine() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + """
                  search: bayesian
                  trials: -1
                  seeds: [0, 0]
                  epsiodes: 10
                  keys:
                    inner_lr: {low: 1.0, high: 0.1}
                    outer_lr: [0.001, -2]
                    innr_steps: [1, 2]
                """);
        String all = String.join("\n", errors);
        assertTrue(all.contains("tune.search") && all.contains("bayesian"), all);
        assertTrue(all.contains("tune.trials") && all.contains(">= 0"), all);
        assertTrue(all.contains("did you mean 'episodes'"), all);
        assertTrue(all.contains("tune.keys.inner_lr") && all.contains("above high"), all);
        assertTrue(all.contains("tune.keys.outer_lr[1]") && all.contains("> 0"), all);
        assertTrue(all.contains("did you mean 'inner_steps'"), all);
        assertTrue(errors.stream().allMatch(e -> e.matches("s\\.yaml:\\d+:\\d+: .*")), all);
    }

    @Test
    void keyNoMethodReadsIsRefused() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + """
                  keys: [outer_lr, cg_steps]
                """);
        assertTrue(errors.get(0).contains("tune.keys.cg_steps") && errors.get(0).contains("no method of this suite reads"), errors.toString());
    }

    @Test
    void methodThatReadsNoSearchedKeyIsRefused() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + """
                  keys: [inner_lr]
                """);
        assertTrue(errors.get(0).contains("protonet reads none of the searched keys") && errors.get(0).contains("outer_lr"), errors.toString());
    }

    @Test
    void tunedSuiteWhoseTrialsEvaluateOnValidationIsRefused() {
        List<String> errors = SuiteLoaderTest.errors(SUITE.replace("  seeds: [0, 1, 2]", "  seeds: [0, 1, 2]\n  eval: {split: val}") + """
                  trials: 2
                """);
        assertTrue(errors.get(0).contains("optimistically biased"), errors.toString());
    }

    @Test
    void suiteWithoutTuneHasNone() throws Exception {
        assertTrue(SuiteLoaderTest.parse(SUITE.replace("tune:\n", "")).tuning().isEmpty());
    }
}

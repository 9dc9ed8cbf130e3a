package dev.metascale.cli.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.core.tune.SearchRange;
import dev.metascale.core.tune.TunePlan;
import dev.metascale.core.tune.TuneSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A suite with a {@code tune:} block, through the real runner with the fake worker (whose validation score peaks at
 * inner_lr 0.2): the search runs first on validation episodes, each method with the same budget, then the suite's
 * trials at the selected setting; test-split records never steer the selection; a resume re-selects the same.
 */
class TunedSuiteRunTest {
    @TempDir
    Path tmp;
    private Path out;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        out = tmp.resolve("run");
    }

    private SuiteRun suiteRun() throws IOException {
        TrialRunner runner = new TrialRunner(Trials.fakeLaunch(tmp, Files.createDirectories(tmp.resolve("pids"))), out.resolve("logs"));
        return new SuiteRun(runner, dir -> Files.writeString(Files.createDirectories(dir.resolve("report")).resolve("index.html"), ""),
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), false, false);
    }

    private static final TuneSpec TUNE = new TuneSpec(TuneSpec.GRID, 3, 0, List.of(0L), 20, 2000, 3,
            Map.of("inner_lr", new SearchRange("inner_lr", List.of(0.05, 0.2, 0.8), 0, 0, true, false)));

    private static Suite suite() {
        TrialSpec maml = Trials.trial("none", 0).withAlgorithm(new AlgorithmSpec("maml", 0.05, 1, 1, 0.001, 4));
        TrialSpec fomaml = Trials.trial("none", 0).withAlgorithm(new AlgorithmSpec("fomaml", 0.8, 1, 1, 0.001, 4));
        return new Suite("harness", null, List.of(maml, fomaml, maml.withSeed(1), fomaml.withSeed(1)), TUNE);
    }

    private List<TrialResult> records() throws IOException {
        return new ResultStore(out).readAll();
    }

    @Test
    void searchRunsOnValidationWithEqualBudgetsThenTheSelectedSettingRunsOnTest() throws Exception {
        int exit = suiteRun().run(suite(), out, false, "resume");

        assertEquals(SuiteRun.EXIT_OK, exit, stdout.toString());
        List<TrialResult> records = records();
        List<TrialResult> search = records.stream().filter(r -> r.spec().isTuning()).toList();
        List<TrialResult> trials = records.stream().filter(r -> !r.spec().isTuning()).toList();
        assertEquals(6, search.size(), "3 candidates x 1 seed for each of the 2 methods");
        assertEquals(records.subList(0, 6), search, "the whole search runs before any trial of the suite");
        Map<String, Long> budget = search.stream().collect(Collectors.groupingBy(r -> r.spec().algorithm().name(), Collectors.counting()));
        assertEquals(Map.of("maml", 3L, "fomaml", 3L), budget, "every method gets the same number of search trials");
        for (TrialResult r : search) {
            assertEquals("val", r.spec().eval().split(), "a search trial is scored on validation episodes");
            assertEquals(20, r.spec().eval().episodes());
            assertEquals(suite().trials().get(0).train(), r.spec().train(), "the same training length for every candidate");
        }
        assertEquals(4, trials.size());
        for (TrialResult r : trials) {
            assertEquals(null, r.spec().eval().split(), "the suite's trials are scored on the test split");
            assertEquals(FakeWorkerMain.BEST_INNER_LR, r.spec().algorithm().innerLr(), 1e-12,
                    r.spec().algorithm().name() + " runs at the validation-best inner_lr");
        }
        assertTrue(stdout.toString().contains("tuned maml"), stdout.toString());
    }

    /** The poison: test-split records that would select another setting if the tuner read them. */
    @Test
    void testSplitRecordsNeverSteerTheSelection() throws Exception {
        TunePlan plan = TunePlan.of(TUNE, suite().trials());
        ResultStore store = new ResultStore(out);
        Files.createDirectories(out);
        for (TunePlan.Search search : plan.searches()) {
            for (AlgorithmSpec candidate : search.candidates()) {
                // the same configuration scored on the TEST split, the worst validation candidate the best here
                TrialSpec onTest = search.template().withAlgorithm(candidate);
                double poisoned = candidate.innerLr() == 0.8 ? 1.0 : 0.0;
                ObjectNode metrics = Json.MAPPER.createObjectNode();
                metrics.putObject("accuracy").put("mean", poisoned).put("std", 0).put("ci95", 0).put("n", 20);
                store.append(TrialResult.ok(onTest, Json.MAPPER.createObjectNode(), Environment.capture(), metrics,
                        Json.MAPPER.createObjectNode(), "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", 1));
            }
        }

        int exit = suiteRun().run(suite(), out, true, "resume");

        assertEquals(SuiteRun.EXIT_OK, exit, stdout.toString());
        int ran = 0;
        for (TrialResult r : records()) {
            if (!r.spec().isTuning() && !r.startedAt().startsWith("2026-01-01")) {
                ran++;
                assertEquals(FakeWorkerMain.BEST_INNER_LR, r.spec().algorithm().innerLr(), 1e-12, "selected on validation only");
            }
        }
        assertEquals(2, ran, "the seed-1 trials ran (seed 0 at the selected setting matches a poison record, recorded ok)");
    }

    @Test
    void resumeSkipsTheRecordedSearchAndSelectsTheSame() throws Exception {
        assertEquals(SuiteRun.EXIT_OK, suiteRun().run(suite(), out, false, "resume"));
        int before = records().size();

        assertEquals(SuiteRun.EXIT_OK, suiteRun().run(suite(), out, true, "resume"));

        assertEquals(before, records().size(), "nothing is run twice");
        assertTrue(stdout.toString().contains("skipped 6 search trials already recorded ok, 0 to run"), stdout.toString());
        assertTrue(stdout.toString().contains("skipped 4 trials already recorded ok, 0 to run"), stdout.toString());
    }
}

package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tuning section, and a search kept out of every frontier, rank and test of the report. */
class TuningSectionTest {
    private static TrialResult search(String algorithm, double innerLr, double accuracy) {
        TrialSpec spec = Trials.spec(algorithm, innerLr, "fp32", 0).forTuning(30, 2000);
        return Trials.ok(spec, Trials.metrics().accuracy(accuracy, 0.02).scalar("flops_total", 1e9));
    }

    private static List<TrialResult> run() {
        List<TrialResult> records = new ArrayList<>();
        records.add(search("maml", 0.4, 0.60));
        records.add(search("maml", 0.1, 0.90));
        records.add(search("maml", 1.0, 0.50));
        records.add(search("fomaml", 0.4, 0.70));
        records.add(search("fomaml", 0.1, 0.65));
        records.add(search("fomaml", 1.0, 0.40));
        for (long seed = 0; seed < 2; seed++) {
            records.add(Trials.ok(Trials.spec("maml", 0.1, "fp32", seed), Trials.metrics().accuracy(0.8, 0.02)));
            records.add(Trials.ok(Trials.spec("fomaml", 0.4, "fp32", seed), Trials.metrics().accuracy(0.7, 0.02)));
        }
        return records;
    }

    @Test
    void searchIsShownWithItsBudgetAndTheSelectedSetting() {
        RunAnalysis analysis = RunAnalysis.of(run());
        ReportSection section = TuningSection.of(analysis);

        assertTrue(section.hasData());
        assertTrue(section.sentences().get(0).contains("the same budget: 3 candidates"), section.sentences().toString());
        ReportTable budget = section.tables().get(0);
        assertEquals(2, budget.rows().size());
        assertEquals(List.of("3", "3"), budget.rows().stream().map(r -> r.get(1)).toList(), "candidates per method");
        assertTrue(budget.rows().get(0).get(5).contains("inner_lr 0.1"), budget.rows().get(0).toString());
        assertEquals("90.0 %", budget.rows().get(0).get(6));
        assertTrue(budget.rows().get(1).get(5).contains("inner_lr 0.4"), "fomaml's test trials ran at its best, 0.4");
        ReportTable candidates = section.tables().get(1);
        assertEquals(6, candidates.rows().size());
        assertEquals(2, candidates.rows().stream().filter(r -> r.get(r.size() - 1).equals("selected")).count());
        assertEquals(1, section.charts().size());
    }

    @Test
    void searchRecordsStayOutOfTheComparison() {
        RunAnalysis analysis = RunAnalysis.of(run());
        assertEquals(2, analysis.configurations().size(), "the two tuned configurations, not the six candidates");
        assertEquals(6, analysis.searchRecords().size());
        assertTrue(analysis.configurations().stream().noneMatch(c -> c.spec().eval().onValidation()));
        assertFalse(RunAnalysis.comparisonGroup(analysis.searchRecords().get(0).spec())
                .equals(RunAnalysis.comparisonGroup(analysis.records().get(0).spec())), "a validation score is never compared with a test score");
    }

    @Test
    void unequalBudgetsAreNamed() {
        List<TrialResult> records = new ArrayList<>(run());
        records.add(search("fomaml", 0.2, 0.3));
        ReportSection section = TuningSection.of(RunAnalysis.of(records));
        assertTrue(section.sentences().get(0).contains("budgets differ") && section.sentences().get(0).contains("fomaml 4"),
                section.sentences().get(0));
    }

    @Test
    void withoutSearchTheSectionSaysHowToAddOne() {
        ReportSection section = TuningSection.of(RunAnalysis.of(run().subList(6, 10)));
        assertFalse(section.hasData());
    }
}

package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainSectionTest {
    /** A trial whose 6 test episodes alternate between domains x and y: x episodes score {@code x}, y episodes {@code y}. */
    private static TrialResult trial(String algorithm, long seed, double x, double y) {
        double[] accuracy = {x, y, x + 0.1, y + 0.1, x + 0.2, y + 0.2};
        TrialResult r = Trials.ok(Trials.spec(algorithm, seed), Trials.metrics().accuracy(0.5, 0.05), accuracy, new double[]{0.1, 0.1});
        ArrayNode groups = r.samples().putArray("episode_group");
        for (int i = 0; i < accuracy.length; i++) {
            groups.add(i % 2 == 0 ? "x" : "y");
        }
        return r;
    }

    @Test
    void perDomainAccuracyAveragesEachEpisodeOverSeedsThenIntervalsOverTheDomainsEpisodes() {
        Map<String, double[]> perDomain = DomainSection.perDomain(List.of(trial("maml", 0, 0.2, 0.6), trial("maml", 1, 0.4, 0.8)));
        assertArrayEquals(new double[]{0.3, 0.4, 0.5}, perDomain.get("x"), 1e-12);
        assertArrayEquals(new double[]{0.7, 0.8, 0.9}, perDomain.get("y"), 1e-12);

        ReportSection section = DomainSection.of(RunAnalysis.of(List.of(trial("maml", 0, 0.2, 0.6), trial("protonet", 0, 0.5, 0.5))));
        assertTrue(section.hasData());
        ReportTable table = section.tables().get(0);
        assertEquals(List.of("Configuration", "x (mean ± 95 % CI)", "y (mean ± 95 % CI)", "Mean over domains"), table.header());
        List<String> maml = table.rows().stream().filter(r -> r.get(0).contains("maml")).findFirst().orElseThrow();
        // x: 0.2, 0.3, 0.4 -> 30.0 % ± t(2) 4.303 * 0.1 / sqrt 3 = 24.8 %; y: 70.0 %
        assertEquals("30.0 ± 24.8 % (3 ep.)", maml.get(1));
        assertEquals("70.0 ± 24.8 % (3 ep.)", maml.get(2));
        assertEquals("50.0 %", maml.get(3));
    }

    @Test
    void withoutDomainsTheSectionSaysHowToGetThem() {
        ReportSection section = DomainSection.of(RunAnalysis.of(List.of(Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.8, 0.02)))));
        assertFalse(section.hasData());
        assertTrue(section.absentHint().contains("within_group"), section.absentHint());
    }
}

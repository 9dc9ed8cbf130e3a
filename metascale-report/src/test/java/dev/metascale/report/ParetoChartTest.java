package dev.metascale.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParetoChartTest {

    @Test
    void costsSpanningDecadesGetALogAxisAndRenderAsText() {
        RunAnalysis analysis = RunAnalysis.of(List.of(
                Trials.ok(Trials.spec("protonet", 0), Trials.metrics().accuracy(0.6, 0.02).scalar("train_time_s", 1.5)),
                Trials.ok(Trials.spec("maml", 0), Trials.metrics().accuracy(0.7, 0.02).scalar("train_time_s", 900)),
                Trials.ok(Trials.spec("fomaml", 0), Trials.metrics().accuracy(0.5, 0.02).scalar("train_time_s", 40))));
        ChartImage chart = ChartImage.render("t", ParetoChart.create(CostMetric.TRAINING_TIME, analysis.frontier(CostMetric.TRAINING_TIME)));
        assertTrue(chart.svgElement().contains("meta-training time (s), log scale"), "log axis titled as such");
        assertTrue(chart.svgElement().contains(">accuracy (%)</text>"), "rotated axis title stays text");
        assertTrue(chart.svgElement().contains(">protonet conv4 5w1s</text>"));
        assertFalse(chart.svgElement().contains("xmlns:jfreesvg"), "unused namespace dropped");
        assertTrue(chart.png().length > 1000);
    }

    @Test
    void aCostWithoutPointsCannotBeCharted() {
        ParetoFrontier<ConfigurationSummary> empty = ParetoFrontier.of(List.of());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ParetoChart.create(CostMetric.PEAK_MEMORY, empty));
        assertTrue(e.getMessage().contains("peak_tensor_bytes"), e.getMessage());
    }
}

package dev.metascale.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * A frontier chart: a score with its 95 % CI error bars against one cost — accuracy (%), or for language models query
 * perplexity on an inverted axis, so that up is better on every frontier chart. Frontier configurations are filled,
 * labelled in bold and joined by a step line; dominated ones are faded.
 */
public final class ParetoChart {
    static final Color FRONTIER = new Color(37, 99, 235);
    static final Color DOMINATED = new Color(148, 163, 184, 170);
    /** Above this max/min ratio of the costs, the cost axis is logarithmic. */
    private static final double LOG_AXIS_RATIO = 30;

    private ParetoChart() {
    }

    /** Builds the chart of the score of the frontier's first point; {@code frontier} must have at least one point. */
    public static JFreeChart create(CostMetric metric, ParetoFrontier<ConfigurationSummary> frontier) {
        TaskScore score = frontier.all().stream().map(p -> p.item().scoreKind().orElseThrow()).findFirst().orElse(TaskScore.ACCURACY);
        return create(metric, score, frontier);
    }

    /** Builds the chart of one score: the points of {@code frontier} judged by it; there must be at least one. */
    public static JFreeChart create(CostMetric metric, TaskScore score, ParetoFrontier<ConfigurationSummary> all) {
        ParetoFrontier<ConfigurationSummary> frontier = all.filter(c -> c.scoreKind().orElse(null) == score);
        if (frontier.isEmpty()) {
            throw new IllegalArgumentException("no point to chart for " + metric.title(score)
                    + ": no configuration has both " + score.noun() + " and " + metric.metricName());
        }
        YIntervalSeries onFrontier = new YIntervalSeries("on the Pareto frontier");
        YIntervalSeries dominated = new YIntervalSeries("dominated");
        java.util.Map<String, XYSeries> stepsByGroup = new java.util.LinkedHashMap<>();
        List<PointLabels.Label> labels = new ArrayList<>();
        List<PointLabels.Segment> lines = new ArrayList<>();
        java.util.Map<String, ParetoPoint<ConfigurationSummary>> previousOf = new java.util.HashMap<>();
        for (ParetoPoint<ConfigurationSummary> p : frontier.frontier()) {
            // one step line per comparison group: a 1-shot and a 5-shot frontier are never joined
            String group = RunAnalysis.comparisonGroup(p.item());
            XYSeries steps = stepsByGroup.computeIfAbsent(group, g -> new XYSeries(g, true, true));
            ParetoPoint<ConfigurationSummary> previous = previousOf.get(group);
            if (previous != null) {
                lines.add(new PointLabels.Segment(previous.cost(), y(score, previous), p.cost(), y(score, previous)));
                lines.add(new PointLabels.Segment(p.cost(), y(score, previous), p.cost(), y(score, p)));
            }
            previousOf.put(group, p);
            add(onFrontier, score, p);
            steps.add(p.cost(), y(score, p));
            labels.add(new PointLabels.Label(p.cost(), y(score, p), p.item().label(), true));
        }
        for (ParetoPoint<ConfigurationSummary> p : frontier.dominated()) {
            add(dominated, score, p);
            labels.add(new PointLabels.Label(p.cost(), y(score, p), p.item().label(), false));
        }
        for (YIntervalSeries series : List.of(onFrontier, dominated)) {
            for (int i = 0; i < series.getItemCount(); i++) {
                lines.add(new PointLabels.Segment(series.getX(i).doubleValue(), series.getYLowValue(i),
                        series.getX(i).doubleValue(), series.getYHighValue(i)));
            }
        }
        YIntervalSeriesCollection points = new YIntervalSeriesCollection();
        points.addSeries(onFrontier);
        points.addSeries(dominated);

        XYPlot plot = new XYPlot();
        plot.setDataset(0, points);
        plot.setRenderer(0, pointRenderer());
        XYSeriesCollection stepLines = new XYSeriesCollection();
        stepsByGroup.values().forEach(stepLines::addSeries);
        plot.setDataset(1, stepLines);
        plot.setRenderer(1, stepRenderer(stepsByGroup.size()));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.REVERSE);
        plot.setDomainAxis(costAxis(metric, frontier));
        plot.setRangeAxis(scoreAxis(score));
        ChartStyle.plot(plot);
        plot.addAnnotation(new PointLabels(labels, lines, "better: top-left", ChartStyle.INK, ChartStyle.MUTED));

        return ChartStyle.chart(metric.title(score), plot,
                "filled: on the Pareto frontier · faded: dominated · error bars: 95 % CI of " + score.noun());
    }

    /** The point's measured score in display units (the frontier holds it oriented: a perplexity negated). */
    private static double y(TaskScore score, ParetoPoint<ConfigurationSummary> p) {
        return score.display(score.oriented(p.score()));
    }

    private static void add(YIntervalSeries series, TaskScore score, ParetoPoint<ConfigurationSummary> p) {
        double ci = score.display(score.estimate(p.item()).flatMap(a -> a.ci95().isPresent()
                ? java.util.Optional.of(a.ci95().getAsDouble()) : java.util.Optional.empty()).orElse(0.0));
        double y = y(score, p);
        // a perplexity is at least 1 (exp of a cross-entropy): a symmetric interval over few seeds is cut there
        double low = score.higherIsBetter() ? y - ci : Math.max(1, y - ci);
        series.add(p.cost(), y, low, y + ci);
    }

    private static XYErrorRenderer pointRenderer() {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setDefaultLinesVisible(false);
        r.setDefaultShapesVisible(true);
        r.setCapLength(6);
        r.setErrorStroke(new BasicStroke(1.2f));
        r.setUseFillPaint(true);
        r.setUseOutlinePaint(true);
        r.setDrawOutlines(true);
        Ellipse2D.Double dot = new Ellipse2D.Double(-5, -5, 10, 10);
        r.setSeriesShape(0, dot);
        r.setSeriesShape(1, new Ellipse2D.Double(-4.5, -4.5, 9, 9));
        r.setSeriesPaint(0, FRONTIER);
        r.setSeriesFillPaint(0, FRONTIER);
        r.setSeriesOutlinePaint(0, Color.WHITE);
        r.setSeriesPaint(1, DOMINATED);
        r.setSeriesFillPaint(1, new Color(226, 232, 240, 200));
        r.setSeriesOutlinePaint(1, DOMINATED);
        return r;
    }

    /** The frontier's step line, one per comparison group (dashed after the first; named in the legend when several). */
    private static XYStepRenderer stepRenderer(int groups) {
        XYStepRenderer r = new XYStepRenderer();
        for (int g = 0; g < Math.max(1, groups); g++) {
            r.setSeriesPaint(g, new Color(37, 99, 235, 130));
            r.setSeriesStroke(g, g == 0 ? new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                    : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 4f + 2f * g}, 0f));
            r.setSeriesVisibleInLegend(g, groups > 1);
        }
        r.setDefaultShapesVisible(false);
        return r;
    }

    private static ValueAxis costAxis(CostMetric metric, ParetoFrontier<ConfigurationSummary> frontier) {
        double min = frontier.all().stream().mapToDouble(ParetoPoint::cost).min().orElse(1);
        double max = frontier.all().stream().mapToDouble(ParetoPoint::cost).max().orElse(1);
        String title = metric.quantity() + " (" + metric.unit() + ")";
        ValueAxis axis;
        if (min > 0 && max / min > LOG_AXIS_RATIO) {
            LogAxis log = new LogAxis(title + ", log scale");
            log.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            log.setSmallestValue(min / 10);
            log.setAutoTickUnitSelection(false);
            log.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0)); // whole decades (exponent units)
            log.setMinorTickCount(9);
            log.setMinorTickMarksVisible(true);
            axis = log;
        } else {
            NumberAxis linear = new NumberAxis(title);
            linear.setAutoRangeIncludesZero(false);
            axis = linear;
        }
        axis.setLowerMargin(0.12);
        axis.setUpperMargin(0.12);
        style(axis);
        return axis;
    }

    private static NumberAxis scoreAxis(TaskScore score) {
        NumberAxis axis = new NumberAxis(score.axisTitle());
        axis.setInverted(!score.higherIsBetter());
        axis.setAutoRangeIncludesZero(false);
        axis.setLowerMargin(0.12);
        axis.setUpperMargin(0.15);
        style(axis);
        return axis;
    }

    private static void style(ValueAxis axis) {
        ChartStyle.axis(axis);
    }
}

package dev.metascale.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.util.List;

/**
 * A line chart of named series (scaling curves, iteration-time traces), linear or log-log, in the
 * report's style. Dashed series are references (an ideal-scaling line, a fitted law).
 */
public final class SeriesChart {
    /** A colour-blind-safe palette (Okabe and Ito 2008), darkest first. */
    static final Color[] PALETTE = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
            new Color(204, 121, 167), new Color(86, 180, 233), new Color(230, 159, 0), new Color(68, 68, 68)};

    /**
     * One curve.
     *
     * @param name   legend entry
     * @param x      abscissae
     * @param y      ordinates, same length
     * @param dashed drawn dashed without markers (a reference line)
     * @param colour index into the palette (series of one method share it)
     */
    public record Series(String name, double[] x, double[] y, boolean dashed, int colour) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x but " + y.length + " y values");
            }
        }
    }

    /**
     * The axes and look of a chart.
     *
     * @param title    chart title
     * @param subtitle one line under the title (may be empty)
     * @param xLabel   x axis title with unit
     * @param yLabel   y axis title with unit
     * @param logLog   both axes logarithmic
     * @param markers  draw a marker at each point (off for long traces)
     */
    public record Layout(String title, String subtitle, String xLabel, String yLabel, boolean logLog, boolean markers) {
    }

    private SeriesChart() {
    }

    public static JFreeChart create(Layout layout, List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, layout.markers());
        int index = 0;
        double minX = Double.POSITIVE_INFINITY, maxX = 0, minY = Double.POSITIVE_INFINITY, maxY = 0;
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]) && (!layout.logLog() || (s.x()[i] > 0 && s.y()[i] > 0))) {
                    xy.add(s.x()[i], s.y()[i]);
                    minX = Math.min(minX, s.x()[i]);
                    maxX = Math.max(maxX, s.x()[i]);
                    minY = Math.min(minY, s.y()[i]);
                    maxY = Math.max(maxY, s.y()[i]);
                }
            }
            data.addSeries(xy);
            Color colour = PALETTE[Math.floorMod(s.colour(), PALETTE.length)];
            renderer.setSeriesPaint(index, colour);
            if (s.dashed()) {
                renderer.setSeriesStroke(index, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 4f}, 0f));
                renderer.setSeriesShapesVisible(index, false);
            } else {
                renderer.setSeriesStroke(index, new BasicStroke(layout.markers() ? 2f : 1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                renderer.setSeriesShape(index, new Ellipse2D.Double(-4, -4, 8, 8));
            }
            index++;
        }
        XYPlot plot = new XYPlot(data, axis(layout.xLabel(), layout.logLog(), minX, maxX), axis(layout.yLabel(), layout.logLog(), minY, maxY), renderer);
        ChartStyle.plot(plot);

        return ChartStyle.chart(layout.title(), plot, layout.subtitle());
    }

    private static ValueAxis axis(String label, boolean log, double min, double max) {
        ValueAxis axis;
        if (log && min > 0 && max > 0 && Double.isFinite(min)) {
            LogAxis logAxis = new LogAxis(label + ", log scale");
            boolean wide = max / min > 30;
            // whole decades over a wide range, powers of two over a narrow one (1, 2, 4, 8 ranks)
            logAxis.setBase(wide ? 10 : 2);
            logAxis.setSmallestValue(min / 10);
            logAxis.setAutoTickUnitSelection(false);
            logAxis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
            logAxis.setMinorTickCount(wide ? 9 : 1);
            logAxis.setMinorTickMarksVisible(true);
            logAxis.setNumberFormatOverride(min < 0.001 || max >= 1e7 ? new DecimalFormat("0.#E0") : new DecimalFormat("#,##0.###"));
            axis = logAxis;
        } else {
            NumberAxis linear = new NumberAxis(label);
            linear.setAutoRangeIncludesZero(false);
            axis = linear;
        }
        axis.setLowerMargin(0.08);
        axis.setUpperMargin(0.08);
        ChartStyle.axis(axis);
        return axis;
    }
}

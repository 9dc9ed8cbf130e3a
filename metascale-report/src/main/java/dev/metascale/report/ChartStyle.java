package dev.metascale.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;

/** The look every chart of the report shares: its colours, plot, axes, title, subtitle and legend. */
final class ChartStyle {
    static final Color INK = new Color(30, 41, 59);
    static final Color MUTED = new Color(100, 116, 139);
    static final Color GRID = new Color(226, 232, 240);

    private ChartStyle() {
    }

    /** White plot without outline, light grid lines, a small offset of the axes. */
    static void plot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    }

    static void axis(ValueAxis axis) {
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        axis.setLabelPaint(INK);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        axis.setTickLabelPaint(MUTED);
        axis.setAxisLinePaint(GRID);
        axis.setTickMarkPaint(GRID);
    }

    /** The chart around {@code plot}: a bold left-aligned title, the subtitle when not empty, the legend below. */
    static JFreeChart chart(String title, XYPlot plot, String subtitle) {
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setPaint(INK);
        chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
        chart.getTitle().setMargin(4, 8, 0, 0);
        if (!subtitle.isEmpty()) {
            TextTitle sub = new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            sub.setPaint(MUTED);
            sub.setHorizontalAlignment(HorizontalAlignment.LEFT);
            sub.setMargin(2, 8, 4, 0);
            chart.addSubtitle(sub);
        }
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(BlockBorder.NONE);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        legend.setItemPaint(INK);
        chart.setPadding(new RectangleInsets(6, 6, 6, 14));
        return chart;
    }
}

package dev.metascale.report;

import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Draws the point labels of a chart and a corner note, placing each label greedily at the first
 * of several positions around its point that overlaps no label, no marker and stays inside the
 * plot; when none is free, at the position with the least overlap. Frontier labels are placed
 * first, so that they get the best spots. Markers, the frontier's step line and the error bars
 * are obstacles too. A label set away from its point gets a thin leader line.
 */
final class PointLabels extends AbstractXYAnnotation {
    private static final long serialVersionUID = 1L;
    private static final double MARKER_RADIUS = 6;
    private static final double PAD = 2;
    /** Half the thickness of the band around a drawn line that labels avoid. */
    private static final double LINE_HALF_WIDTH = 3;
    /** Offsets in multiples of the gap, tried in order: right, left, above, below and diagonals, then farther out. */
    private static final double[][] DIRECTIONS = {
            {1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {1, 1}, {-1, -1}, {-1, 1},
            {2.5, 0}, {-2.5, 0}, {0, -2.5}, {0, 2.5}, {2.5, -2.5}, {2.5, 2.5}, {-2.5, -2.5}, {-2.5, 2.5},
            {0, -4}, {0, 4}, {4, -4}, {4, 4}, {-4, -4}, {-4, 4}};
    private static final double GAP = 8;

    /** One label at a data point; {@code primary} labels are bold, dark and placed first. */
    record Label(double x, double y, String text, boolean primary) implements java.io.Serializable {
    }

    /** A line already drawn (step line, error bar) that labels should not cover, in data coordinates. */
    record Segment(double x1, double y1, double x2, double y2) implements java.io.Serializable {
    }

    private final List<Label> labels;
    private final List<Segment> segments;
    private final String cornerNote;
    private final Color primaryColor;
    private final Color secondaryColor;

    PointLabels(List<Label> labels, List<Segment> segments, String cornerNote, Color primaryColor, Color secondaryColor) {
        this.labels = List.copyOf(labels);
        this.segments = List.copyOf(segments);
        this.cornerNote = cornerNote;
        this.primaryColor = primaryColor;
        this.secondaryColor = secondaryColor;
    }

    @Override
    public void draw(Graphics2D g2, XYPlot plot, Rectangle2D dataArea, ValueAxis domainAxis, ValueAxis rangeAxis,
                     int rendererIndex, PlotRenderingInfo info) {
        RectangleEdge xEdge = plot.getDomainAxisEdge();
        RectangleEdge yEdge = plot.getRangeAxisEdge();
        List<Rectangle2D> obstacles = new ArrayList<>();
        List<double[]> anchors = new ArrayList<>();
        for (Label label : labels) {
            double px = domainAxis.valueToJava2D(label.x(), dataArea, xEdge);
            double py = rangeAxis.valueToJava2D(label.y(), dataArea, yEdge);
            anchors.add(new double[]{px, py});
            obstacles.add(new Rectangle2D.Double(px - MARKER_RADIUS, py - MARKER_RADIUS, 2 * MARKER_RADIUS, 2 * MARKER_RADIUS));
        }
        for (Segment seg : segments) {
            double x1 = domainAxis.valueToJava2D(seg.x1(), dataArea, xEdge);
            double y1 = rangeAxis.valueToJava2D(seg.y1(), dataArea, yEdge);
            double x2 = domainAxis.valueToJava2D(seg.x2(), dataArea, xEdge);
            double y2 = rangeAxis.valueToJava2D(seg.y2(), dataArea, yEdge);
            obstacles.add(new Rectangle2D.Double(Math.min(x1, x2) - LINE_HALF_WIDTH, Math.min(y1, y2) - LINE_HALF_WIDTH,
                    Math.abs(x2 - x1) + 2 * LINE_HALF_WIDTH, Math.abs(y2 - y1) + 2 * LINE_HALF_WIDTH));
        }
        if (cornerNote != null) {
            Font noteFont = new Font(Font.SANS_SERIF, Font.ITALIC, 11);
            FontMetrics fm = g2.getFontMetrics(noteFont);
            double x = dataArea.getMinX() + 6;
            double y = dataArea.getMinY() + 6;
            Rectangle2D box = new Rectangle2D.Double(x - PAD, y - PAD, fm.stringWidth(cornerNote) + 2 * PAD, fm.getHeight() + 2 * PAD);
            obstacles.add(box);
            g2.setPaint(new Color(255, 255, 255, 210));
            g2.fill(box);
            g2.setFont(noteFont);
            g2.setPaint(new Color(100, 116, 139));
            g2.drawString(cornerNote, (float) x, (float) (y + fm.getAscent()));
        }

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer, Boolean>comparing(i -> !labels.get(i).primary()).thenComparingDouble(i -> anchors.get(i)[0]));
        for (int i : order) {
            Label label = labels.get(i);
            Font font = new Font(Font.SANS_SERIF, label.primary() ? Font.BOLD : Font.PLAIN, label.primary() ? 11 : 10);
            FontMetrics fm = g2.getFontMetrics(font);
            double w = fm.stringWidth(label.text()) + 2 * PAD;
            double h = fm.getAscent() + fm.getDescent() + 2 * PAD;
            double[] anchor = anchors.get(i);
            Rectangle2D best = null;
            double bestCost = Double.POSITIVE_INFINITY;
            double[] bestDirection = null;
            for (double[] d : DIRECTIONS) {
                Rectangle2D box = boxAt(anchor, d, w, h);
                double cost = overlap(box, obstacles) + 4 * outside(box, dataArea);
                if (cost < bestCost) {
                    bestCost = cost;
                    best = box;
                    bestDirection = d;
                }
                if (cost == 0) {
                    break;
                }
            }
            obstacles.add(best);
            boolean farAway = Math.abs(bestDirection[0]) > 1 || Math.abs(bestDirection[1]) > 1;
            Color color = label.primary() ? primaryColor : secondaryColor;
            if (farAway) {
                g2.setPaint(color);
                g2.setStroke(new BasicStroke(0.7f));
                double tx = Math.max(best.getMinX(), Math.min(anchor[0], best.getMaxX()));
                double ty = Math.max(best.getMinY(), Math.min(anchor[1], best.getMaxY()));
                g2.draw(new Line2D.Double(anchor[0], anchor[1], tx, ty));
            }
            g2.setPaint(new Color(255, 255, 255, 210));
            g2.fill(new RoundRectangle2D.Double(best.getX(), best.getY(), best.getWidth(), best.getHeight(), 4, 4));
            g2.setFont(font);
            g2.setPaint(color);
            g2.drawString(label.text(), (float) (best.getX() + PAD), (float) (best.getY() + PAD + fm.getAscent()));
        }
    }

    /** The label box on side {@code d} of the anchor: d[0] &lt; 0 left, &gt; 0 right, 0 centred; likewise d[1] for up/down. */
    private static Rectangle2D boxAt(double[] anchor, double[] d, double w, double h) {
        double x;
        if (d[0] > 0) {
            x = anchor[0] + d[0] * GAP;
        } else if (d[0] < 0) {
            x = anchor[0] + d[0] * GAP - w;
        } else {
            x = anchor[0] - w / 2;
        }
        double y;
        if (d[1] > 0) {
            y = anchor[1] + d[1] * GAP;
        } else if (d[1] < 0) {
            y = anchor[1] + d[1] * GAP - h;
        } else {
            y = anchor[1] - h / 2;
        }
        return new Rectangle2D.Double(x, y, w, h);
    }

    private static double overlap(Rectangle2D box, List<Rectangle2D> obstacles) {
        double total = 0;
        for (Rectangle2D o : obstacles) {
            Rectangle2D inter = box.createIntersection(o);
            if (inter.getWidth() > 0 && inter.getHeight() > 0) {
                total += inter.getWidth() * inter.getHeight();
            }
        }
        return total;
    }

    private static double outside(Rectangle2D box, Rectangle2D area) {
        Rectangle2D inter = box.createIntersection(area);
        double inside = inter.getWidth() > 0 && inter.getHeight() > 0 ? inter.getWidth() * inter.getHeight() : 0;
        return box.getWidth() * box.getHeight() - inside;
    }
}

package dev.metascale.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.text.TextUtils;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A chart rendered once as SVG (a standalone document and an element to inline in HTML) and as PNG.
 *
 * @param name        file stem, e.g. {@code accuracy-vs-memory}
 * @param svgDocument standalone SVG file content
 * @param svgElement  the {@code <svg>} element for inlining: scales with its container
 * @param png         PNG bytes at twice the nominal size (sharp on high-density screens)
 */
public record ChartImage(String name, String svgDocument, String svgElement, byte[] png) {
    public static final int WIDTH = 780;
    public static final int HEIGHT = 500;

    /** Renders headless; {@code name} also prefixes the SVG ids so that several charts can share one page. */
    public static ChartImage render(String name, JFreeChart chart) {
        SVGGraphics2D svg = new SVGGraphics2D(WIDTH, HEIGHT);
        svg.setDefsKeyPrefix(name + "-");
        drawWithRotatedText(chart, svg);
        ViewBox box = new ViewBox(0, 0, WIDTH, HEIGHT);
        String document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + withoutUnusedNamespaces(svg.getSVGElement(name + "-chart", true, box, null, null)) + "\n";
        String element = withoutUnusedNamespaces(svg.getSVGElement(name + "-chart", false, box, null, null));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeScaledChartAsPNG(png, chart, WIDTH, HEIGHT, 2, 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart " + name + " as PNG", e);
        }
        return new ChartImage(name, document, element, png.toByteArray());
    }

    /**
     * JFreeChart draws rotated text (the y-axis title) through a TextLayout by default, a work-around
     * for old JDKs that makes JFreeSVG emit glyph outlines instead of a {@code <text>}; Java 17
     * rotates {@code drawString} correctly, so the work-around is off while drawing the SVG.
     */
    private static synchronized void drawWithRotatedText(JFreeChart chart, SVGGraphics2D svg) {
        boolean workaround = TextUtils.isUseDrawRotatedStringWorkaround();
        TextUtils.setUseDrawRotatedStringWorkaround(false);
        try {
            chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        } finally {
            TextUtils.setUseDrawRotatedStringWorkaround(workaround);
        }
    }

    /**
     * JFreeSVG declares the xlink and its own namespace on every root; dropping them when unused
     * leaves the SVG namespace as the only URI in the markup (no DTD either: it would be fetched).
     */
    static String withoutUnusedNamespaces(String svg) {
        String out = svg;
        for (String prefix : new String[]{"xlink", "jfreesvg"}) {
            String stripped = out.replaceFirst(" xmlns:" + prefix + "=(['\"])[^'\"]*\\1", "");
            if (!stripped.contains(prefix + ":")) {
                out = stripped;
            }
        }
        return out;
    }
}

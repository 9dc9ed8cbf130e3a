package dev.metascale.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
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
        chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        String document = svg.getSVGDocument();
        String element = svg.getSVGElement(name + "-chart", false, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeScaledChartAsPNG(png, chart, WIDTH, HEIGHT, 2, 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart " + name + " as PNG", e);
        }
        return new ChartImage(name, document, element, png.toByteArray());
    }
}

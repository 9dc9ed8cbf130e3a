package dev.metascale.engine.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Renders one letter of one font as a {@code size x size} image of floats in [0, 1] (ink = 1):
 * the outline is centred by its ink box, scaled so the letter keeps its size relative to the em
 * (clamped to a box), distorted by a {@link GlyphAugmentation}, filled anti-aliased at a
 * supersampled resolution, area-averaged to twice the output size, stroke-changed and warped there,
 * and area-averaged down again. Thread-safe.
 */
final class GlyphRenderer {
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    private final GlyphRenderParams params;

    GlyphRenderer(GlyphRenderParams params) {
        this.params = params;
    }

    /** The outline of a code point at the supersampled em size, or null when the font has no (non-empty) glyph for it. */
    Shape outline(Font font, int codePoint) {
        Font sized = font.deriveFont((float) (params.emPx() * params.supersample()));
        GlyphVector gv = sized.createGlyphVector(FRC, Character.toChars(codePoint));
        // A supplementary code point gives its glyph plus an invisible one for the low surrogate.
        if (gv.getNumGlyphs() < 1 || gv.getGlyphCode(0) == sized.getMissingGlyphCode()) {
            return null;
        }
        Shape outline = gv.getGlyphOutline(0);
        Rectangle2D b = outline.getBounds2D();
        return b.getWidth() > 0 && b.getHeight() > 0 ? outline : null;
    }

    float[] render(Shape outline, GlyphAugmentation aug) {
        int n = params.canvas();
        int ss = params.supersample();
        Rectangle2D b = outline.getBounds2D();
        double maxDim = Math.max(b.getWidth(), b.getHeight());
        double target = Math.min(Math.max(maxDim, params.minInkPx() * ss), params.maxInkPx() * ss);
        double fit = target / maxDim;

        AffineTransform t = new AffineTransform();
        t.translate(n / 2.0 + aug.shiftX() * ss, n / 2.0 + aug.shiftY() * ss);
        t.rotate(aug.rotationRad());
        t.shear(aug.shearX(), aug.shearY());
        t.scale(fit * aug.scale(), fit * aug.scale());
        t.translate(-b.getCenterX(), -b.getCenterY());

        BufferedImage image = new BufferedImage(n, n, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.setTransform(t);
            g.fill(outline);
        } finally {
            g.dispose();
        }
        byte[] bytes = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        float[] hi = new float[n * n];
        for (int i = 0; i < hi.length; i++) {
            hi[i] = (bytes[i] & 0xFF) / 255f;
        }
        // Stroke change and warp work at twice the output resolution: 4x fewer pixels than the canvas.
        int workScale = Math.min(2, ss);
        int w = params.size() * workScale;
        float[] work = downsample(hi, n, ss / workScale);
        if (aug.strokeChange() != 0) {
            // One work pixel of max/min filtering, blended for fractional amounts.
            float blend = (float) Math.min(1, Math.abs(aug.strokeChange()) * workScale);
            float[] changed = morph(work, w, aug.strokeChange() > 0);
            for (int i = 0; i < changed.length; i++) {
                changed[i] = work[i] + blend * (changed[i] - work[i]);
            }
            // Never let thinning erase most of a thin letter.
            work = aug.strokeChange() > 0 || sum(changed) > 0.4 * sum(work) ? changed : work;
        }
        if (aug.warp().length > 0) {
            work = warp(work, w, aug.warp(), workScale);
        }
        return downsample(work, w, workScale);
    }

    private static double sum(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    /** Separable 3 x 3 max (dilate) or min (erode) filter. */
    private static float[] morph(float[] src, int n, boolean dilate) {
        int r = 1;
        float[] tmp = new float[src.length];
        float[] out = new float[src.length];
        for (int y = 0; y < n; y++) {
            int row = y * n;
            for (int x = 0; x < n; x++) {
                tmp[row + x] = extreme(src, row + Math.max(0, x - r), row + Math.min(n - 1, x + r), 1, dilate);
            }
        }
        for (int y = 0; y < n; y++) {
            int from = Math.max(0, y - r) * n;
            int to = Math.min(n - 1, y + r) * n;
            for (int x = 0; x < n; x++) {
                out[y * n + x] = extreme(tmp, from + x, to + x, n, dilate);
            }
        }
        return out;
    }

    /** Max (or min) of {@code a[from], a[from + step], ..., a[to]}. */
    private static float extreme(float[] a, int from, int to, int step, boolean max) {
        float v = a[from];
        if (max) {
            for (int i = from + step; i <= to; i += step) {
                v = a[i] > v ? a[i] : v;
            }
        } else {
            for (int i = from + step; i <= to; i += step) {
                v = a[i] < v ? a[i] : v;
            }
        }
        return v;
    }

    /** Resamples with a smooth displacement field (a sum of low-frequency sines), bilinear. */
    private static float[] warp(float[] src, int n, double[][] components, double pxScale) {
        int k = components.length;
        // sin(a + b) = sin a cos b + cos a sin b, with a from x and b from y: tables instead of n*n*k sines.
        double w = 2 * Math.PI / n;
        double[] ampX = new double[k];
        double[] ampY = new double[k];
        for (int c = 0; c < k; c++) {
            ampX[c] = components[c][3] * pxScale;
            ampY[c] = components[c][4] * pxScale;
        }
        double[][] sinX = new double[k][n];
        double[][] cosX = new double[k][n];
        double[][] sinY = new double[k][n];
        double[][] cosY = new double[k][n];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                double ax = w * components[c][0] * i + components[c][2];
                double by = w * components[c][1] * i;
                sinX[c][i] = Math.sin(ax);
                cosX[c][i] = Math.cos(ax);
                sinY[c][i] = Math.sin(by);
                cosY[c][i] = Math.cos(by);
            }
        }
        float[] out = new float[src.length];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double dx = 0;
                double dy = 0;
                for (int c = 0; c < k; c++) {
                    double s = sinX[c][x] * cosY[c][y] + cosX[c][x] * sinY[c][y];
                    dx += ampX[c] * s;
                    dy += ampY[c] * s;
                }
                out[y * n + x] = bilinear(src, n, x + dx, y + dy);
            }
        }
        return out;
    }

    private static float bilinear(float[] src, int n, double x, double y) {
        // (int) truncates toward zero; shifting by n first makes it a floor for x, y > -n.
        int x0 = (int) (x + n) - n;
        int y0 = (int) (y + n) - n;
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        if (x0 >= 0 && y0 >= 0 && x0 < n - 1 && y0 < n - 1) {
            int i = y0 * n + x0;
            return (1 - fy) * ((1 - fx) * src[i] + fx * src[i + 1]) + fy * ((1 - fx) * src[i + n] + fx * src[i + n + 1]);
        }
        return (1 - fy) * ((1 - fx) * at(src, n, x0, y0) + fx * at(src, n, x0 + 1, y0))
            + fy * ((1 - fx) * at(src, n, x0, y0 + 1) + fx * at(src, n, x0 + 1, y0 + 1));
    }

    private static float at(float[] src, int n, int x, int y) {
        return x < 0 || y < 0 || x >= n || y >= n ? 0f : src[y * n + x];
    }

    /** Area average of {@code factor x factor} blocks, clamped to [0, 1]. */
    private static float[] downsample(float[] src, int n, int factor) {
        if (factor == 1) {
            for (int i = 0; i < src.length; i++) {
                src[i] = Math.min(1f, Math.max(0f, src[i]));
            }
            return src;
        }
        int size = n / factor;
        float[] out = new float[size * size];
        float norm = 1f / (factor * factor);
        for (int y = 0; y < n; y++) {
            int row = (y / factor) * size;
            for (int x = 0; x < n; x++) {
                out[row + x / factor] += src[y * n + x];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i] * norm));
        }
        return out;
    }
}

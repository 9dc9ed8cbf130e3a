package dev.metascale.engine.data;

import java.util.SplittableRandom;

/**
 * The random distortions of one glyph drawing; lengths in output pixels.
 *
 * @param rotationRad rotation about the glyph centre
 * @param scale scale factor
 * @param shearX horizontal shear
 * @param shearY vertical shear
 * @param shiftX horizontal translation in output pixels
 * @param shiftY vertical translation in output pixels
 * @param strokeChange {@code > 0} thicken, {@code < 0} thin strokes by this much per side
 * @param warp the smooth displacement field's sine components {@code [k][u, v, phase, ampX, ampY]}, empty for none
 */
record GlyphAugmentation(double rotationRad, double scale, double shearX, double shearY,
                         double shiftX, double shiftY, double strokeChange, double[][] warp) {

    /** No distortion: the base rendering. */
    static final GlyphAugmentation NONE = new GlyphAugmentation(0, 1, 0, 0, 0, 0, 0, new double[0][]);

    static GlyphAugmentation sample(SplittableRandom rng, GlyphRenderParams p) {
        double rotation = Math.toRadians(uniform(rng, p.maxRotationDeg()));
        double scale = p.minScale() + rng.nextDouble() * (p.maxScale() - p.minScale());
        double shearX = uniform(rng, p.maxShear());
        double shearY = uniform(rng, p.maxShear()) * 0.5;
        double shiftX = uniform(rng, p.maxShiftPx());
        double shiftY = uniform(rng, p.maxShiftPx());
        double u = rng.nextDouble();
        double stroke = 0;
        double minChange = 0.3 * p.maxStrokeChangePx();
        if (u < p.dilateProbability()) {
            stroke = minChange + rng.nextDouble() * (p.maxStrokeChangePx() - minChange);
        } else if (u < p.dilateProbability() + p.erodeProbability()) {
            stroke = -(minChange + rng.nextDouble() * (0.6 * p.maxStrokeChangePx() - minChange));
        }
        double[][] warp = new double[0][];
        if (rng.nextDouble() < p.warpProbability()) {
            int components = 3;
            warp = new double[components][];
            double amp = p.warpAmplitudePx() / components;
            for (int k = 0; k < components; k++) {
                warp[k] = new double[] {uniform(rng, 2.0), uniform(rng, 2.0), rng.nextDouble() * 2 * Math.PI,
                    uniform(rng, amp), uniform(rng, amp)};
            }
        }
        return new GlyphAugmentation(rotation, scale, shearX, shearY, shiftX, shiftY, stroke, warp);
    }

    GlyphAugmentation withStrokeChange(double change) {
        return new GlyphAugmentation(rotationRad, scale, shearX, shearY, shiftX, shiftY, change, warp);
    }

    private static double uniform(SplittableRandom rng, double halfWidth) {
        return (rng.nextDouble() * 2 - 1) * halfWidth;
    }
}

package dev.metascale.engine.data;

/**
 * How a glyph "drawing" is rendered; every field is part of the glyphs data set hash. Lengths are
 * in output pixels unless the name says otherwise.
 *
 * @param size output side (28, as Omniglot's common downsampled size)
 * @param supersample the glyph is rendered at {@code size * supersample} and area-averaged down
 * @param emPx font size (em) in output pixels, so letters keep their relative sizes within a script
 * @param minInkPx the larger side of a glyph's ink box is enlarged to at least this
 * @param maxInkPx ... and shrunk to at most this, before jitter
 * @param maxRotationDeg rotation uniform in +-this
 * @param minScale scale jitter lower bound
 * @param maxScale scale jitter upper bound
 * @param maxShear horizontal and vertical shear uniform in +-this
 * @param maxShiftPx translation uniform in +-this on each axis
 * @param dilateProbability chance of a thicker stroke
 * @param erodeProbability chance of a thinner stroke
 * @param maxStrokeChangePx strokes thicken by up to this per side (thin by up to 0.6 of it), with a grey-level
 *     max/min filter at twice the output resolution
 * @param warpProbability chance of a smooth elastic warp
 * @param warpAmplitudePx largest displacement of the elastic warp
 */
record GlyphRenderParams(int size, int supersample, double emPx, double minInkPx, double maxInkPx,
                         double maxRotationDeg, double minScale, double maxScale, double maxShear,
                         double maxShiftPx, double dilateProbability, double erodeProbability,
                         double maxStrokeChangePx, double warpProbability, double warpAmplitudePx) {

    static GlyphRenderParams defaults() {
        return new GlyphRenderParams(28, 4, 24, 9, 21, 10, 0.85, 1.1, 0.15, 2, 0.3, 0.2, 0.5, 0.5, 1.0);
    }

    GlyphRenderParams withSupersample(int factor) {
        return new GlyphRenderParams(size, factor, emPx, minInkPx, maxInkPx, maxRotationDeg, minScale, maxScale, maxShear,
            maxShiftPx, dilateProbability, erodeProbability, maxStrokeChangePx, warpProbability, warpAmplitudePx);
    }

    int canvas() {
        return size * supersample;
    }
}

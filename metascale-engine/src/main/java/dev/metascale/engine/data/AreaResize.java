package dev.metascale.engine.data;

/**
 * Resizes a grey image by area averaging: output pixel {@code (i, j)} is the mean of the source
 * image (as a piecewise-constant function) over the source rectangle it covers,
 * {@code [j W/w, (j+1) W/w) x [i H/h, (i+1) H/h)}, with fractional coverage at the edges. Done as two
 * separable 1-D passes (exact for a box). Works for down- and up-scaling.
 */
final class AreaResize {
    private AreaResize() {
    }

    /** {@code src} is {@code [srcH * srcW]} row-major; returns {@code [h * w]}. */
    static double[] resize(double[] src, int srcH, int srcW, int h, int w) {
        double[] rows = new double[srcH * w];
        double[] line = new double[srcW];
        double[] out1 = new double[w];
        for (int y = 0; y < srcH; y++) {
            System.arraycopy(src, y * srcW, line, 0, srcW);
            resize1d(line, out1);
            System.arraycopy(out1, 0, rows, y * w, w);
        }
        double[] result = new double[h * w];
        double[] column = new double[srcH];
        double[] out2 = new double[h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < srcH; y++) {
                column[y] = rows[y * w + x];
            }
            resize1d(column, out2);
            for (int y = 0; y < h; y++) {
                result[y * w + x] = out2[y];
            }
        }
        return result;
    }

    /** out[i] = mean of in over [i n/m, (i+1) n/m), n = in.length, m = out.length. */
    static void resize1d(double[] in, double[] out) {
        int n = in.length;
        int m = out.length;
        double scale = (double) n / m;
        for (int i = 0; i < m; i++) {
            double start = i * scale;
            double end = (i + 1) * scale;
            double sum = 0;
            for (int k = (int) Math.floor(start); k < Math.min(n, (int) Math.ceil(end)); k++) {
                double overlap = Math.min(end, k + 1) - Math.max(start, k);
                if (overlap > 0) {
                    sum += overlap * in[k];
                }
            }
            out[i] = sum / scale;
        }
    }
}

package dev.metascale.engine.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Debug tool: opens the glyphs data set, prints timings and split sizes, and writes a PNG grid
 * (one row per class, one column per example) of a few classes per split to
 * {@code /tmp/glyphs-grid.png} (or the first argument).
 */
public final class GlyphsGridWriter {
    private GlyphsGridWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "/tmp/glyphs-grid.png");
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        GlyphsDataset ds = GlyphsDataset.openDefault();
        long t1 = System.nanoTime();
        System.out.printf("open: %.0f ms wall, %.0f ms process CPU (load average %.1f)%n%s%n", (t1 - t0) / 1e6,
            (os.getProcessCpuTime() - cpu0) / 1e6, os.getSystemLoadAverage(), ds);
        for (Split s : Split.values()) {
            System.out.println(s + ": " + ds.scripts(s));
        }
        String hash = ds.hash();
        long t2 = System.nanoTime();
        System.out.printf("hash: %.0f ms %s%n", (t2 - t1) / 1e6, hash);
        int rowsPerSplit = 6;
        int cols = 20;
        int cell = 30;
        BufferedImage grid = new BufferedImage(cols * cell, rowsPerSplit * Split.values().length * cell, BufferedImage.TYPE_BYTE_GRAY);
        int row = 0;
        long renderNanos = 0;
        int rendered = 0;
        for (Split s : Split.values()) {
            List<String> names = ds.classNames(s);
            for (int r = 0; r < rowsPerSplit; r++) {
                int c = (int) ((long) r * 7919 % names.size());
                long a = System.nanoTime();
                float[][] ex = ds.examples(s, c);
                renderNanos += System.nanoTime() - a;
                rendered++;
                System.out.println("row " + row + ": " + names.get(c));
                for (int e = 0; e < Math.min(cols, ex.length); e++) {
                    for (int y = 0; y < 28; y++) {
                        for (int x = 0; x < 28; x++) {
                            int v = 255 - Math.round(ex[e][y * 28 + x] * 255);
                            grid.getRaster().setSample(e * cell + 1 + x, row * cell + 1 + y, 0, v);
                        }
                    }
                }
                row++;
            }
        }
        // Steady-state render timing over more classes.
        long a = System.nanoTime();
        long cpuA = os.getProcessCpuTime();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long threadA = threads.getCurrentThreadCpuTime();
        int n = Math.min(500, ds.classNames(Split.TRAIN).size());
        for (int c = 0; c < n; c++) {
            ds.examples(Split.TRAIN, c);
        }
        double perClass = (System.nanoTime() - a) / 1e6 / n;
        System.out.printf("render: %.1f ms process CPU (incl. JIT, GC), %.1f ms rendering-thread CPU per class%n",
            (os.getProcessCpuTime() - cpuA) / 1e6 / n, (threads.getCurrentThreadCpuTime() - threadA) / 1e6 / n);
        System.out.printf("render (first %d, cold JIT): %.1f ms/class; next %d train classes: %.1f ms/class%n",
            rendered, renderNanos / 1e6 / rendered, n, perClass);
        ImageIO.write(grid, "png", out.toFile());
        System.out.println("wrote " + out);
    }
}

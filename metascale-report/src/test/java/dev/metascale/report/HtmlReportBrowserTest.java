package dev.metascale.report;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report of a real run (the quick suite's four trials, copied from a demo run) opens in headless
 * Chromium without console errors, and its screenshot is not blank. Skipped when Debian's
 * {@code chromium} is absent ({@code bin/install-packages chromium} installs it; CI does).
 */
class HtmlReportBrowserTest {
    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    @Test
    void realRunReportRendersInHeadlessChromiumWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        String chromium = CHROMIUM.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "Debian chromium is not installed: run `bin/install-packages chromium` to enable this test");
        Path runDir = dir.resolve("run");
        Files.createDirectories(runDir);
        try (InputStream in = getClass().getResourceAsStream("/demo-run/results.jsonl")) {
            Files.copy(in, runDir.resolve("results.jsonl"));
        }
        Path index = ReportWriter.write(runDir);
        Path screenshot = dir.resolve("report.png");
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
                "--screenshot=" + screenshot, "--window-size=1400,3000", index.toUri().toString()));
        Path log = dir.resolve("chromium.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s; its output:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        List<String> consoleErrors = output.lines()
                .filter(l -> l.contains("Uncaught") || (l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("error"))))
                .toList();
        assertEquals(List.of(), consoleErrors, "console errors while rendering the report");
        assertTrue(Files.size(screenshot) > 0, "chromium wrote no screenshot; its output:\n" + output);
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertEquals(1400, image.getWidth());
        assertTrue(lumaVariance(image) > 100, "the screenshot is (nearly) blank: luma variance " + lumaVariance(image));
        String keep = System.getProperty("metascale.screenshot");
        if (keep != null) {
            Files.copy(screenshot, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Variance of the pixels' luma (0–255) over a grid of samples: about 0 for a blank page. */
    static double lumaVariance(BufferedImage image) {
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                int rgb = image.getRGB(x, y);
                double luma = 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
                sum += luma;
                sumSq += luma * luma;
                n++;
            }
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }

    @Test
    void aBlankImageHasNoVariance() throws IOException {
        BufferedImage blank = new BufferedImage(60, 60, BufferedImage.TYPE_INT_RGB);
        assertEquals(0, lumaVariance(blank), 1e-9);
    }
}

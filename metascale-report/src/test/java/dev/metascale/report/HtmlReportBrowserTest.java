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
 * Chromium without console errors, its screenshot is not blank, and its tables fit their cards at 1280 and 1920 px
 * (as does the hand-made sample run's). Skipped when Debian's {@code chromium} is absent ({@code bin/test} installs
 * it, as CI's {@code .ci/run} does through it).
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

    /**
     * Measures the report in Chromium's layout (a script appended to a copy of the page, read back with
     * {@code --dump-dom}): every table fits its card, with nothing cut off or scrolled, and the page needs no
     * horizontal scrolling, at 1280 px (a laptop) and at 1920 px.
     */
    @Test
    void tablesFitTheirCardsAt1280And1920Px(@TempDir Path dir) throws Exception {
        String chromium = CHROMIUM.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "Debian chromium is not installed: run `bin/install-packages chromium` to enable this test");
        for (String run : List.of("/demo-run/results.jsonl", "sample")) {
            Path runDir = Files.createDirectories(dir.resolve(run.equals("sample") ? "sample" : "demo"));
            if (run.equals("sample")) {
                SampleRun.writeTo(runDir);
            } else {
                try (InputStream in = getClass().getResourceAsStream(run)) {
                    Files.copy(in, runDir.resolve("results.jsonl"));
                }
            }
            Path index = ReportWriter.write(runDir);
            Path measured = index.resolveSibling("measured.html");
            Files.writeString(measured, Files.readString(index).replace("</body>", MEASURE + "</body>"));
            for (int width : new int[]{1280, 1920}) {
                String fit = measure(chromium, dir, measured, width);
                System.out.println("report fit (" + runDir.getFileName() + ", " + width + " px): " + fit);
                assertTrue(fit.contains("\"viewport\":" + width + ","), "the page was laid out at " + width + " px: " + fit);
                assertTrue(fit.contains("\"overflowing\":[]"), "tables wider than their card at " + width + " px: " + fit);
                assertTrue(fit.contains("\"pageOverflow\":false"), "the page scrolls sideways at " + width + " px: " + fit);
            }
        }
    }

    /** Appends {@code <pre id="fit">} with the layout's verdict: JSON of viewport, overflowing tables, page overflow. */
    private static final String MEASURE = """
            <script>
            (function () {
              var over = [];
              document.querySelectorAll('table').forEach(function (t, i) {
                var wrap = t.parentElement, card = t.closest('section');
                var width = Math.ceil(t.getBoundingClientRect().width);
                if (wrap.scrollWidth > wrap.clientWidth + 1 || width > card.clientWidth) {
                  over.push({section: card.id, table: i, width: width, wrap: wrap.clientWidth, card: card.clientWidth});
                }
              });
              var p = document.createElement('pre');
              p.id = 'fit';
              p.textContent = JSON.stringify({viewport: window.innerWidth, tables: document.querySelectorAll('table').length,
                overflowing: over, pageOverflow: document.documentElement.scrollWidth > window.innerWidth});
              document.body.appendChild(p);
            })();
            </script>
            """;

    private static String measure(String chromium, Path dir, Path page, int width) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile-" + width));
        Path dom = dir.resolve("dom-" + width + ".html");
        Path log = dir.resolve("chromium-" + width + ".log");
        Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--hide-scrollbars", "--window-size=" + width + ",1000", "--dump-dom",
                page.toUri().toString()).redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s; its output:\n" + Files.readString(log));
        }
        String html = Files.readString(dom, StandardCharsets.UTF_8);
        int start = html.indexOf("<pre id=\"fit\">");
        assertTrue(start >= 0, "no measurement in chromium's DOM; its output:\n" + Files.readString(log));
        return html.substring(start + "<pre id=\"fit\">".length(), html.indexOf("</pre>", start)).replace("&quot;", "\"");
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

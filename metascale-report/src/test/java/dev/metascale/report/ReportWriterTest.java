package dev.metascale.report;

import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {
    private static final Instant WHEN = Instant.parse("2025-06-02T08:00:00Z");

    /** The sample run, reported once for the tests that only read the report (rendering takes seconds). */
    @TempDir
    static Path sampleRun;
    private static String sampleHtml;

    @BeforeAll
    static void writeSample() throws IOException {
        SampleRun.writeTo(sampleRun);
        sampleHtml = Files.readString(ReportWriter.write(sampleRun, WHEN));
    }

    @Test
    void writesAllFilesWithTablesFailuresAndFrontiers() throws Exception {
        Path runDir = sampleRun;
        Path report = runDir.resolve("report");
        for (String file : List.of("summary.md", "results.csv", "accuracy-vs-memory.svg", "accuracy-vs-memory.png",
                "accuracy-vs-time.svg", "accuracy-vs-time.png")) {
            assertTrue(Files.size(report.resolve(file)) > 0, file);
        }
        String html = sampleHtml;
        assertTrue(html.contains("metascale report: tiny"), "title names the suite");
        assertTrue(html.contains("<td class=\"label\">protonet conv4 5w1s</td>"), "a results row per configuration");
        assertTrue(html.contains("<td class=\"label\">maml conv4 5w1s (inner_lr=0.1, precision=fp32)</td>"), "clashing labels made unique");
        assertTrue(html.contains("65.6 ± "), "accuracy as mean ± ci95");
        assertTrue(html.contains("t-CI over 3 seeds") && html.contains("1 seed, CI over 50 episodes"), "CI basis stated");
        assertTrue(html.contains("native allocation of 2.1 GiB failed"), "failed trial listed");
        assertTrue(html.contains("<span class=\"badge fail\">oom</span>"), "failure kind shown");
        assertTrue(html.contains("<strong>fomaml conv4 5w1s</strong>: least memory"), "frontier summary");
        assertTrue(html.contains("bin/metascale run suites/tiny.yaml --out " + runDir + " --resume"), "re-run command");
        assertTrue(html.contains("AMD EPYC 7B13") && html.contains("MALLOC_ARENA_MAX=1") && html.contains("665f1d1"), "environment");
        assertTrue(html.contains("9f2c4e1a7b3d5f60"), "data-set hash");
        String anilRow = row(html, "anil conv4 5w1s");
        assertTrue(anilRow.contains("<td class=\"num\">—</td>"), "absent memory is a dash: " + anilRow);
        assertFalse(anilRow.contains(">0.0<") || anilRow.contains(">0<"), "absent is never zero: " + anilRow);
        assertFalse(html.contains("<script"), "no JavaScript");
    }

    @Test
    void chartsAreValidSvgAndCarryTheFrontierLabels() throws Exception {
        Path runDir = sampleRun;
        String html = sampleHtml;

        List<String> inline = svgElements(html);
        assertEquals(2, inline.size(), "both charts inline");
        for (String svg : inline) {
            Document doc = parse(svg);
            assertEquals("svg", doc.getDocumentElement().getLocalName());
        }
        String memorySvg = Files.readString(runDir.resolve("report/accuracy-vs-memory.svg"));
        Document doc = parse(memorySvg);
        String text = doc.getDocumentElement().getTextContent();
        for (String frontierLabel : List.of("fomaml conv4 5w1s", "protonet conv4 5w1s", "maml conv4 5w1s (inner_lr=0.4, precision=bf16)",
                "maml conv4 5w1s (inner_lr=0.4, precision=fp32)")) {
            assertTrue(text.contains(frontierLabel), "frontier point labelled: " + frontierLabel);
        }
        assertTrue(html.contains("<strong>maml conv4 5w1s (inner_lr=0.4, precision=bf16)</strong>: best accuracy within 123 MiB (67.2 %)"), "middle frontier point");
        assertTrue(text.contains("better: top-left"));
        assertTrue(text.contains("peak tensor memory during meta-training (parameters, gradients, optimiser state, activations) (MiB)"), "axis title with unit");
        assertTrue(text.contains("accuracy (%)"));
        assertFalse(text.contains("anil conv4 5w1s"), "a configuration without memory is not plotted on the memory chart");
        byte[] png = Files.readAllBytes(runDir.resolve("report/accuracy-vs-time.png"));
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void theHtmlReferencesNothingOutside() {
        String html = sampleHtml;
        Matcher m = Pattern.compile("[\\w:]*=?['\"]?https?://[^'\"\\s]*").matcher(html);
        List<String> external = new ArrayList<>();
        while (m.find()) {
            String hit = m.group();
            if (!hit.matches("xmlns=['\"]http://www\\.w3\\.org/2000/svg")) {
                external.add(hit);
            }
        }
        assertEquals(List.of(), external);
        assertFalse(Pattern.compile("\\b(src|href)=\"(?!accuracy-vs-)").matcher(html).find(), "only links to the chart files beside it");
    }

    @Test
    void csvHasOneRowPerTrialWithAbsentCellsEmpty() throws Exception {
        List<String> lines = Files.readAllLines(sampleRun.resolve("report/results.csv"), StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(SampleRun.records().size() + 1, lines.size());
        for (String column : List.of("trial_id", "config_id", "status", "label", "seed", "algorithm", "inner_lr", "precision",
                "accuracy_mean", "accuracy_ci95", "iter_time_s_median", "train_time_s", "peak_rss_bytes", "param_count", "f1_macro")) {
            assertTrue(header.contains(column), column + " in " + header);
        }
        assertFalse(header.contains("perplexity_mean"), "a metric absent everywhere has no column");
        int peak = header.indexOf("peak_rss_bytes");
        int status = header.indexOf("status");
        String anil = lines.stream().filter(l -> l.contains("anil conv4 5w1s")).findFirst().orElseThrow();
        assertEquals("", cells(anil).get(peak), "absent metric is an empty cell");
        String oom = lines.stream().filter(l -> l.contains(",oom,")).findFirst().orElseThrow();
        assertEquals("failed", cells(oom).get(status));
        assertEquals("", cells(oom).get(header.indexOf("accuracy_mean")));
        String crash = lines.stream().filter(l -> l.contains(",crash,")).findFirst().orElseThrow();
        assertEquals(header.size(), cells(crash).size(), "quoted message keeps the column count");
    }

    @Test
    void markdownHasTheTableAndFrontierSummary() throws Exception {
        String md = Files.readString(sampleRun.resolve("report/summary.md"));
        assertTrue(md.contains("| protonet conv4 5w1s | 65.6 ± "), md);
        assertTrue(md.contains("- fomaml conv4 5w1s: least memory"), md);
        assertTrue(md.contains("loss is NaN at iteration 12 \\| fix"), "pipes escaped in cells");
        assertTrue(md.contains("| anil conv4 5w1s |"));
    }

    @Test
    void aMissingOrEmptyResultsFileSaysHowToProduceIt(@TempDir Path runDir) throws Exception {
        IOException missing = assertThrows(IOException.class, () -> ReportWriter.write(runDir));
        assertTrue(missing.getMessage().contains("results.jsonl") && missing.getMessage().contains("metascale run SUITE --out"),
                missing.getMessage());
        Files.writeString(runDir.resolve("results.jsonl"), "\n");
        IOException empty = assertThrows(IOException.class, () -> ReportWriter.write(runDir));
        assertTrue(empty.getMessage().contains("results.jsonl") && empty.getMessage().contains("metascale run SUITE --out"),
                empty.getMessage());
    }

    @Test
    void aRunWhoseTrialsAllFailedStillReportsThem(@TempDir Path runDir) throws Exception {
        new dev.metascale.core.result.ResultStore(runDir).append(Trials.failed(Trials.spec("maml", 0), "timeout", "passed 600 s"));
        String html = Files.readString(ReportWriter.write(runDir, WHEN));
        assertTrue(html.contains("passed 600 s"));
        assertTrue(html.contains("so there is nothing to plot"));
        assertFalse(Files.exists(runDir.resolve("report/accuracy-vs-memory.svg")));
    }

    /** A run of language-model trials (perplexity, no accuracy) gets a report with perplexity and bits per character. */
    @Test
    void aLanguageModelRunReportsPerplexityAndBitsPerCharacter(@TempDir Path runDir) throws Exception {
        var store = new dev.metascale.core.result.ResultStore(runDir);
        String[] names = {"maml", "reptile"};
        double[] ppl = {7.25, 9.5};
        for (int i = 0; i < 2; i++) {
            TrialSpec spec = new TrialSpec("lm", "udhr", new SamplerSpec("fixed", 1, 4, 8), new ModelSpec("char-lm", "tiny", List.of(), 64),
                    new AlgorithmSpec(names[i], 0.1, 1, 5, 0.003, 4), new TrainSpec(20, 3), new EvalSpec(50, 7, "udhr"),
                    new TechniqueSpec("fp32", 0, 1), 0, 600, "none");
            Trials.Metrics m = Trials.metrics().iterTime(0.4 + i).peakMib(500).scalar("train_time_s", 30).scalar("param_count", 363998);
            var node = m.build();
            node.putObject("perplexity").put("mean", ppl[i]).put("std", 2.0).put("ci95", 0.5).put("n", 50);
            node.putObject("bits_per_char").put("mean", Math.log(ppl[i]) / Math.log(2)).put("std", 0.3).put("ci95", 0.08).put("n", 50);
            store.append(Trials.ok(spec, m));
        }
        String html = Files.readString(ReportWriter.write(runDir, WHEN));
        String md = Files.readString(runDir.resolve("report/summary.md"));
        assertTrue(md.contains("Perplexity (mean ± 95 % CI, lower is better)"), md);
        assertTrue(md.contains("7.25 ± 0.50") && md.contains("9.50 ± 0.50"), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%.2f ± 0.08", Math.log(7.25) / Math.log(2))), md);
        assertTrue(md.contains("1 seed, CI over 50 episodes"), md);
        assertTrue(md.contains("bits per character = that cross-entropy / ln 2"), md);
        assertTrue(html.contains("Perplexity (mean ± 95 % CI, lower is better)") && html.contains("7.25 ± 0.50"));
        assertTrue(Files.readString(runDir.resolve("report/results.csv")).contains("perplexity_mean"));
    }

    /**
     * Writes the sample report and checks that it is whole; {@code -Dmetascale.sample.dir=/tmp/report-sample} keeps it
     * there for a human to look at (else it goes to a temporary folder).
     */
    @Test
    void writeSampleReport(@TempDir Path tmp) throws Exception {
        String keep = System.getProperty("metascale.sample.dir");
        Path dir = keep == null || keep.isBlank() ? tmp.resolve("report-sample") : Path.of(keep);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("results.jsonl"));
        SampleRun.writeTo(dir);
        Path index = ReportWriter.write(dir);
        assertTrue(Files.readString(index).contains("</html>"), "the sample's index.html is whole");
        assertTrue(Files.size(dir.resolve("report/results.csv")) > 0);
        assertTrue(Files.size(dir.resolve("report/summary.md")) > 0);
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> svgElements(String html) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = html.indexOf("<svg", from);
            if (start < 0) {
                return out;
            }
            int end = html.indexOf("</svg>", start) + "</svg>".length();
            out.add(html.substring(start, end));
            from = end;
        }
    }

    private static String row(String html, String label) {
        int start = html.indexOf("<td class=\"label\">" + label + "</td>");
        return html.substring(start, html.indexOf("</tr>", start));
    }

    /** Splits one RFC 4180 line. */
    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }
}

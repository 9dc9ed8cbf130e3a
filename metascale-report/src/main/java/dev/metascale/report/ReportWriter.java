package dev.metascale.report;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.RunRecords;
import dev.metascale.core.result.TrialResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code DIR/report/} from {@code DIR/results.jsonl}: {@code index.html} (self-contained),
 * {@code summary.md}, {@code results.csv} and each frontier chart as {@code .svg} and {@code .png}.
 */
public final class ReportWriter {
    /** Sub-directory of the run directory that receives the report. */
    public static final String REPORT_DIR = "report";

    private ReportWriter() {
    }

    /**
     * @return the path of the written {@code index.html}
     * @throws IOException when {@code results.jsonl} is missing or holds no readable record, or a file cannot be written
     */
    public static Path write(Path runDir) throws IOException {
        return write(runDir, Instant.now());
    }

    /** As {@link #write(Path)}, stamping the report with {@code generatedAt}. */
    public static Path write(Path runDir, Instant generatedAt) throws IOException {
        return write(List.of(runDir), generatedAt);
    }

    /**
     * The report of several run directories read as one run ({@link RunRecords}: each one's results and its shards'),
     * written into the first one's {@code report/}; a conflict between them is warned on stderr.
     */
    public static Path write(List<Path> runDirs, Instant generatedAt) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Path runDir = runDirs.get(0);
        RunRecords read = RunRecords.read(runDirs);
        if (read.sources().isEmpty()) {
            throw new IOException("no results to report: " + runDir.resolve(ResultStore.FILE_NAME) + " does not exist (nor a"
                    + " shard's results under it); run `metascale run SUITE --out " + runDir + "` first");
        }
        read.warnings().forEach(w -> System.err.println("warning: " + w));
        List<TrialResult> records = read.records();
        if (records.isEmpty()) {
            throw new IOException("no results to report: " + read.sources() + " hold no readable trial record; run `metascale run SUITE --out "
                    + runDir + "` first");
        }
        RunAnalysis analysis = RunAnalysis.of(records);

        Path out = runDir.resolve(REPORT_DIR);
        Files.createDirectories(out);
        Map<FrontierChart, ChartImage> charts = new LinkedHashMap<>();
        for (CostMetric metric : CostMetric.values()) {
            for (TaskScore score : TaskScore.values()) {
                FrontierChart key = new FrontierChart(metric, score);
                ParetoFrontier<ConfigurationSummary> frontier = analysis.frontier(metric).filter(c -> c.scoreKind().orElse(null) == score);
                if (!frontier.isEmpty()) {
                    ChartImage chart = ChartImage.render(key.fileStem(), ParetoChart.create(metric, score, frontier));
                    Files.writeString(out.resolve(chart.name() + ".svg"), chart.svgDocument(), StandardCharsets.UTF_8);
                    Files.write(out.resolve(chart.name() + ".png"), chart.png());
                    charts.put(key, chart);
                } else {
                    Files.deleteIfExists(out.resolve(key.fileStem() + ".svg"));
                    Files.deleteIfExists(out.resolve(key.fileStem() + ".png"));
                }
            }
        }
        List<ReportSection> sections = AnalysisSections.of(analysis);
        for (ReportSection section : sections) {
            for (ChartImage chart : section.charts()) {
                Files.writeString(out.resolve(chart.name() + ".svg"), chart.svgDocument(), StandardCharsets.UTF_8);
                Files.write(out.resolve(chart.name() + ".png"), chart.png());
            }
        }
        Files.writeString(out.resolve("summary.md"), MarkdownSummary.render(analysis, charts, sections, runDir, generatedAt), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("results.csv"), CsvExport.render(analysis), StandardCharsets.UTF_8);
        Path index = out.resolve("index.html");
        Files.writeString(index, HtmlReport.render(analysis, charts, sections, runDir, generatedAt), StandardCharsets.UTF_8);
        return index;
    }
}

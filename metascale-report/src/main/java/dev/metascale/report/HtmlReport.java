package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no network. Sections:
 * frontier summary, charts, results, failed trials, reproducibility.
 */
public final class HtmlReport {
    private static final String CSS = """
            :root{--ink:#1e293b;--muted:#64748b;--line:#e2e8f0;--accent:#2563eb;--bg:#f6f8fb;--card:#fff}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
            main{max-width:1640px;margin:0 auto;padding:32px 24px 64px}
            header h1{margin:0 0 4px;font-size:28px;letter-spacing:-.01em}
            header .meta{color:var(--muted);margin:0}
            section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 24px;margin:20px 0;box-shadow:0 1px 2px rgba(15,23,42,.04)}
            h2{font-size:19px;margin:0 0 12px}
            h3{font-size:15px;margin:14px 0 6px;color:var(--muted);font-weight:600}
            ul.frontier{margin:0;padding-left:20px} ul.frontier li{margin:2px 0}
            .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,720px),1fr));gap:18px}
            .charts figure{max-width:980px}
            td.nowrap{white-space:nowrap}
            figure{margin:0;border:1px solid var(--line);border-radius:10px;padding:8px;background:#fff}
            figure svg{display:block;width:100%;height:auto}
            figcaption{font-size:13px;color:var(--muted);padding:4px 8px}
            figcaption a{color:var(--accent)}
            .table-wrap{overflow-x:auto}
            table{border-collapse:collapse;width:100%;font-size:13px}
            th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
            thead th{background:#f1f5f9;font-weight:600;font-size:12.5px;color:#334155}
            tbody tr:nth-child(even){background:#fafbfd}
            tbody tr:hover{background:#eef4ff}
            td.num,th.num{text-align:right;font-variant-numeric:tabular-nums} td.num{white-space:nowrap}
            thead th{vertical-align:bottom;min-width:4.5em}
            td.hash code{word-break:break-all;font-size:12px}
            td.label{font-weight:600;min-width:11em}
            .badge{display:inline-block;white-space:nowrap;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;margin:0 4px 2px 0;background:#dbeafe;color:#1d4ed8}
            .badge.fail{background:#fee2e2;color:#b91c1c}
            .note{color:var(--muted);font-size:13px;margin:8px 0 0}
            .warn{background:#fef3c7;border:1px solid #fde68a;color:#92400e;border-radius:8px;padding:8px 12px;margin:0 0 12px}
            .ok{color:#15803d}
            dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0;font-size:14px}
            dl.facts dt{color:var(--muted)} dl.facts dd{margin:0;word-break:break-word}
            code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
            pre{background:#0f172a;color:#e2e8f0;padding:12px 16px;border-radius:8px;overflow-x:auto;margin:6px 0}
            .msg{max-width:520px;word-break:break-word}
            @media print{
              body{background:#fff;font-size:11pt}
              main{max-width:none;padding:0}
              section{box-shadow:none;border:none;border-radius:0;padding:0;margin:0 0 14pt}
              .table-wrap{overflow:visible}
              table{font-size:8pt} th,td{padding:3px 4px} thead th{min-width:0}
              thead{display:table-header-group} tr,figure{break-inside:avoid}
              header{margin:0 0 14pt} .charts{display:block} .charts figure{max-width:none;margin:0 0 10pt}
              tbody tr:hover{background:none}
            }
            """;

    private HtmlReport() {
    }

    /**
     * @param analysis    the run's records, aggregated
     * @param charts      rendered frontier charts, by cost; a cost without a chart is explained instead
     * @param runDir      the run directory, for the re-run command
     * @param generatedAt when the report is written
     */
    public static String render(RunAnalysis analysis, Map<FrontierChart, ChartImage> charts, Path runDir, Instant generatedAt) {
        return render(analysis, charts, List.of(), runDir, generatedAt);
    }

    /** As above, followed by the analysis {@code sections} (scaling, profiles, traces). */
    public static String render(RunAnalysis analysis, Map<FrontierChart, ChartImage> charts, List<ReportSection> sections, Path runDir,
                                Instant generatedAt) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String suites = String.join(", ", analysis.suites());
        String date = analysis.lastFinish().map(s -> s.length() >= 10 ? s.substring(0, 10) : s)
                .orElse(generatedAt.toString().substring(0, 10));
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>metascale report: ").append(esc(suites)).append(" (").append(esc(date)).append(")</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");

        h.append("<header>\n<h1>metascale report: ").append(esc(suites)).append(" <span style=\"color:var(--muted);font-weight:400\">")
                .append(esc(date)).append("</span></h1>\n<p class=\"meta\">")
                .append(analysis.records().size()).append(" trials (").append(analysis.okCount()).append(" ok, ")
                .append(analysis.failures().size()).append(" failed) · ")
                .append(analysis.configurations().size()).append(" configurations with results");
        if (!analysis.searchRecords().isEmpty()) {
            h.append(" · ").append(analysis.searchRecords().size()).append(" tuning-search trials on validation episodes (see Tuning)");
        }
        analysis.firstStart().ifPresent(s -> h.append(" · run ").append(esc(s)));
        analysis.lastFinish().ifPresent(s -> h.append(" → ").append(esc(s)));
        h.append(" · generated ").append(esc(generatedAt.truncatedTo(ChronoUnit.SECONDS).toString())).append("</p>\n</header>\n");

        frontierSection(h, analysis);
        chartSection(h, analysis, charts);
        h.append("<section id=\"results\">\n<h2>Results</h2>\n");
        ReportTable results = ReportTable.results(analysis);
        table(h, results, 0, results.header().indexOf(ReportTable.FRONTIER_COLUMN));
        h.append("<p class=\"note\">One row per configuration (its seeds together). Accuracy is the mean over seeds of each trial's mean test-episode accuracy; "
                + "with two or more seeds its interval is the Student-t 95 % CI across the seed means, with one seed the trial's own 95 % CI over test episodes (CI basis). "
                + "Costs are means over seeds; iteration time is each trial's median meta-iteration (warm-up excluded); peak tensor memory is the learner's own peak of live tensors (parameters, gradients, optimiser state, activations: the memory axis of the frontiers); "
                + "peak RSS is the worker process's peak resident memory during meta-training, the host footprint (JVM, libtorch, data), which varies between identical reruns. "
                + "— means not measured."
                + (analysis.configurations().stream().anyMatch(c -> c.perplexity().isPresent()) ? " Language-model tasks: perplexity = exp(mean next-character cross-entropy of the query windows"
                        + " after adaptation on the support windows), bits per character = that cross-entropy / ln 2, each averaged over"
                        + " test episodes; lower is better." : "")
                + "</p>\n</section>\n");
        significanceSection(h, analysis);
        failureSection(h, analysis);
        for (ReportSection section : sections) {
            analysisSection(h, section);
        }
        reproducibilitySection(h, analysis, runDir);
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void frontierSection(StringBuilder h, RunAnalysis analysis) {
        h.append("<section id=\"frontiers\">\n<h2>Frontier summary</h2>\n");
        for (CostMetric metric : CostMetric.values()) {
            h.append("<h3>").append(esc(metric.title(analysis.scoreKinds()))).append("</h3>\n<ul class=\"frontier\">\n");
            for (String sentence : FrontierSummary.sentences(metric, analysis.frontier(metric))) {
                int colon = sentence.indexOf(": ");
                if (colon > 0 && !sentence.startsWith("no configuration")) {
                    h.append("<li><strong>").append(esc(sentence.substring(0, colon))).append("</strong>")
                            .append(esc(sentence.substring(colon))).append("</li>\n");
                } else {
                    h.append("<li>").append(esc(sentence)).append("</li>\n");
                }
            }
            h.append("</ul>\n");
        }
        h.append("<p class=\"note\">A configuration is on a frontier when no other one of its comparison group is at least as accurate (for language models: "
                + "no higher in perplexity) and at most as costly, strictly better in one. "
                + "The frontier is computed on the mean score; overlapping confidence intervals mean a difference may not be significant.</p>\n</section>\n");
    }

    private static void chartSection(StringBuilder h, RunAnalysis analysis, Map<FrontierChart, ChartImage> charts) {
        h.append("<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        List<String> absent = new java.util.ArrayList<>();
        for (CostMetric metric : CostMetric.values()) {
            List<ChartImage> drawn = new java.util.ArrayList<>();
            for (TaskScore score : TaskScore.values()) {
                ChartImage chart = charts.get(new FrontierChart(metric, score));
                if (chart != null) {
                    drawn.add(chart);
                    h.append("<figure>\n").append(chart.svgElement()).append("\n<figcaption>").append(esc(metric.title(score)))
                            .append(" · files: <a href=\"").append(chart.name()).append(".svg\">").append(chart.name()).append(".svg</a>, ")
                            .append("<a href=\"").append(chart.name()).append(".png\">").append(chart.name()).append(".png</a></figcaption>\n</figure>\n");
                }
            }
            if (drawn.isEmpty()) {
                absent.add(metric.title() + ": no configuration has both a score (accuracy or perplexity) and " + metric.metricName() + ", so there is nothing to plot"
                        + (metric == CostMetric.FLOPS ? " (flops_total comes from the FLOP counter: run the trials with a version that records it)"
                        : metric == CostMetric.TIME_TO_TARGET ? " (set train.until, a target validation accuracy, with train.val_every)" : "") + ".");
            }
        }
        h.append("</div>\n");
        for (String line : absent) {
            h.append("<p class=\"note\">").append(esc(line)).append("</p>\n");
        }
        h.append("</section>\n");
    }

    private static void significanceSection(StringBuilder h, RunAnalysis analysis) {
        h.append("<section id=\"significance\">\n<h2>Significance vs the best configuration</h2>\n");
        ReportTable table = ReportTable.significance(analysis);
        if (table.rows().isEmpty()) {
            h.append("<p class=\"note\">No configuration has a score (accuracy or perplexity).</p>\n</section>\n");
            return;
        }
        table(h, table, 0, -1);
        h.append("<p class=\"note\">Δ is the configuration's score minus the best one's: accuracy in percentage points, for language models "
                + "perplexity (the best is the lowest, so Δ is positive). Test: <em>paired</em> t-test on the "
                + "shared test episodes (per-episode score averaged over seeds) when both were scored on the same episodes, else <em>welch</em> "
                + "(across seeds with ≥ 2 seeds each, else across episodes). Rank: Meta-Dataset's rule (Triantafillou et al., ICLR 2020) — "
                + "configurations whose 95 % CI overlaps the best's share its rank.</p>\n</section>\n");
    }

    private static void analysisSection(StringBuilder h, ReportSection section) {
        h.append("<section id=\"").append(esc(section.id())).append("\">\n<h2>").append(esc(section.title())).append("</h2>\n");
        if (!section.hasData()) {
            h.append("<p class=\"note\">").append(esc(section.absentHint())).append("</p>\n</section>\n");
            return;
        }
        if (!section.sentences().isEmpty()) {
            h.append("<ul class=\"frontier\">\n");
            section.sentences().forEach(s -> h.append("<li>").append(esc(s)).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (!section.charts().isEmpty()) {
            h.append("<div class=\"charts\">\n");
            for (ChartImage chart : section.charts()) {
                h.append("<figure>\n").append(chart.svgElement()).append("\n<figcaption>files: <a href=\"").append(chart.name())
                        .append(".svg\">").append(chart.name()).append(".svg</a>, <a href=\"").append(chart.name()).append(".png\">")
                        .append(chart.name()).append(".png</a></figcaption>\n</figure>\n");
            }
            h.append("</div>\n");
        }
        for (ReportTable table : section.tables()) {
            table(h, table, 0, -1);
        }
        h.append("</section>\n");
    }

    private static void failureSection(StringBuilder h, RunAnalysis analysis) {
        h.append("<section id=\"failures\">\n<h2>Failed trials</h2>\n");
        if (analysis.failures().isEmpty()) {
            h.append("<p class=\"ok\">No trial failed.</p>\n");
        } else {
            table(h, ReportTable.failures(analysis), 0, 2);
            h.append("<p class=\"note\">Failed trials are left out of the results above; the full error and the worker's last output are in results.jsonl "
                    + "(<code>error.stderr_tail</code>). \"later ok\": a re-run of the same trial succeeded and is counted above.</p>\n");
        }
        h.append("</section>\n");
    }

    private static void reproducibilitySection(StringBuilder h, RunAnalysis analysis, Path runDir) {
        h.append("<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n");
        for (String key : List.of("hostname", "cpu_model", "git_revision", "libtorch_version")) {
            List<String> values = analysis.distinctEnv(key);
            if (values.size() > 1) {
                h.append("<p class=\"warn\">The records do not share one environment: ").append(esc(key)).append(" takes ")
                        .append(values.size()).append(" values (").append(esc(String.join(", ", values)))
                        .append("). The facts below are those of the first record; compare costs only within one environment.</p>\n");
            }
        }
        h.append("<h3>Hardware and software (first record)</h3>\n");
        ObjectNode env = analysis.firstEnv().orElse(null);
        if (env == null) {
            h.append("<p class=\"note\">The records carry no environment.</p>\n");
        } else {
            h.append("<dl class=\"facts\">\n");
            for (Map.Entry<String, String> fact : EnvironmentFacts.of(env)) {
                h.append("<dt>").append(esc(fact.getKey())).append("</dt><dd>").append(esc(fact.getValue())).append("</dd>\n");
            }
            h.append("</dl>\n");
        }
        h.append("<h3>Hyperparameters</h3>\n");
        table(h, ReportTable.hyperparameters(analysis), 0, -1);
        h.append("<h3>Data</h3>\n");
        List<ObjectNode> datasets = analysis.datasets();
        if (datasets.isEmpty()) {
            h.append("<p class=\"note\">No ok record carries a data-set identity.</p>\n");
        } else {
            h.append("<div class=\"table-wrap\"><table>\n<thead><tr><th>Name</th><th>Version</th><th>Content hash (SHA-256)</th>"
                    + "<th>Classes per split</th><th>Examples per class</th><th>Split seed</th></tr></thead>\n<tbody>\n");
            for (ObjectNode d : datasets) {
                h.append("<tr><td>").append(esc(field(d, "name"))).append("</td><td>").append(esc(field(d, "version")))
                        .append("</td><td class=\"hash\"><code>").append(esc(field(d, "hash"))).append("</code></td><td>").append(esc(field(d, "classes")))
                        .append("</td><td class=\"num\">").append(esc(field(d, "examples_per_class"))).append("</td><td class=\"num\">")
                        .append(esc(field(d, "split_seed"))).append("</td></tr>\n");
            }
            h.append("</tbody></table></div>\n");
        }
        h.append("<h3>Re-run</h3>\n<p class=\"note\">Re-runs the missing or failed trials into the same directory and rebuilds this report, "
                + "with the suite file and options each run was started with (<code>env.invocation</code> of its records)"
                + (RerunCommand.assumesSuitePath(analysis.records())
                        ? "; records made before runs kept their invocation assume the suite file at <code>suites/NAME.yaml</code>" : "")
                + ":</p>\n<pre>");
        for (String command : RerunCommand.commands(analysis.records(), runDir)) {
            h.append(esc(command)).append('\n');
        }
        h.append("</pre>\n</section>\n");
    }

    private static String field(ObjectNode node, String key) {
        if (!node.has(key) || node.get(key).isNull()) {
            return DisplayFormat.ABSENT;
        }
        if (node.get(key).isObject()) {
            List<String> pairs = new java.util.ArrayList<>();
            node.get(key).fields().forEachRemaining(e -> pairs.add(e.getKey() + " " + e.getValue().asText()));
            return String.join(", ", pairs);
        }
        return node.get(key).isValueNode() ? node.get(key).asText() : node.get(key).toString();
    }

    /** Writes {@code table}; cells of {@code labelColumn} are bold, those of {@code badgeColumn} (none when -1) badges. */
    private static void table(StringBuilder h, ReportTable table, int labelColumn, int badgeColumn) {
        h.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (int c = 0; c < table.header().size(); c++) {
            h.append(table.numeric().get(c) ? "<th class=\"num\">" : "<th>").append(esc(table.header().get(c))).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : table.rows()) {
            h.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                String cls = c == labelColumn ? " class=\"label\"" : table.numeric().get(c) ? " class=\"num\""
                        : "CI basis".equals(table.header().get(c)) || "Test".equals(table.header().get(c)) ? " class=\"nowrap\"" : "";
                if ("Message".equals(table.header().get(c))) {
                    cls = " class=\"msg\"";
                }
                h.append("<td").append(cls).append('>');
                if (c == badgeColumn && !cell.isEmpty()) {
                    boolean failure = "Error".equals(table.header().get(c));
                    for (String part : cell.split(", ")) {
                        h.append("<span class=\"badge").append(failure ? " fail" : "").append("\">").append(esc(part)).append("</span>");
                    }
                } else {
                    h.append(esc(cell));
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}

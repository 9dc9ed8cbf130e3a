package dev.metascale.report;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The report's frontier summary, results and failures as Markdown ({@code summary.md}). */
public final class MarkdownSummary {
    private MarkdownSummary() {
    }

    public static String render(RunAnalysis analysis, Map<FrontierChart, ChartImage> charts, Path runDir, Instant generatedAt) {
        return render(analysis, charts, List.of(), runDir, generatedAt);
    }

    /** As above, with the analysis sections' findings, charts and tables. */
    public static String render(RunAnalysis analysis, Map<FrontierChart, ChartImage> charts, List<ReportSection> sections, Path runDir,
                                Instant generatedAt) {
        StringBuilder m = new StringBuilder();
        m.append("# metascale report: ").append(String.join(", ", analysis.suites())).append("\n\n");
        m.append("_").append(analysis.records().size()).append(" trials (").append(analysis.okCount()).append(" ok, ")
                .append(analysis.failures().size()).append(" failed), ").append(analysis.configurations().size())
                .append(" configurations with results");
        analysis.lastFinish().ifPresent(s -> m.append(", last trial finished ").append(s));
        m.append(", generated ").append(generatedAt.truncatedTo(ChronoUnit.SECONDS)).append("._\n\n");

        m.append("## Frontier summary\n\n");
        boolean languageModels = analysis.scoreKinds().contains(TaskScore.PERPLEXITY);
        String better = !languageModels ? "more accurate" : analysis.scoreKinds().size() == 1 ? "lower perplexity"
                : "more accurate or lower perplexity";
        for (CostMetric metric : CostMetric.values()) {
            m.append("**").append(metric.title(analysis.scoreKinds())).append("** (better: ").append(better).append(", less ").append(metric.shortName()).append(")\n\n");
            for (String sentence : FrontierSummary.sentences(metric, analysis.frontier(metric))) {
                m.append("- ").append(inline(sentence)).append('\n');
            }
            m.append('\n');
        }
        if (!charts.isEmpty()) {
            m.append("## Charts\n\n");
            for (ChartImage chart : charts.values()) {
                m.append("![").append(chart.name()).append("](").append(chart.name()).append(".svg)\n\n");
            }
        }
        m.append("## Results\n\n");
        ReportTable results = ReportTable.results(analysis);
        table(m, results);
        m.append("\nAccuracy: mean over seeds of each trial's mean test-episode accuracy; interval as in \"CI basis\" "
                + "(Student-t across seed means with ≥ 2 seeds, else the trial's CI over episodes). Costs: means over seeds. — = not measured.\n");
        if (analysis.configurations().stream().anyMatch(c -> c.perplexity().isPresent())) {
            m.append("Perplexity (language-model tasks): exp of the mean next-character cross-entropy on the query windows after"
                    + " adaptation on the support windows, averaged over test episodes; bits per character = that cross-entropy / ln 2."
                    + " Lower is better.\n");
        }
        m.append('\n');
        ReportTable significance = ReportTable.significance(analysis);
        if (!significance.rows().isEmpty()) {
            m.append("## Significance vs the best configuration\n\n");
            table(m, significance);
            m.append("\nPaired t-test on shared test episodes where possible, else Welch. Rank: Meta-Dataset's tie rule "
                    + "(Triantafillou et al. 2020): CIs overlapping the best's share its rank.\n\n");
        }
        for (ReportSection section : sections) {
            m.append("## ").append(section.title()).append("\n\n");
            if (!section.hasData()) {
                m.append(section.absentHint()).append("\n\n");
                continue;
            }
            section.sentences().forEach(s -> m.append("- ").append(inline(s)).append('\n'));
            m.append('\n');
            section.charts().forEach(c -> m.append("![").append(c.name()).append("](").append(c.name()).append(".svg)\n\n"));
            for (ReportTable t : section.tables()) {
                table(m, t);
                m.append('\n');
            }
        }
        m.append("## Failed trials\n\n");
        if (analysis.failures().isEmpty()) {
            m.append("No trial failed.\n\n");
        } else {
            table(m, ReportTable.failures(analysis));
            m.append('\n');
        }
        m.append("## Re-run\n\n```sh\n");
        RerunCommand.commands(analysis.records(), runDir).forEach(c -> m.append(c).append('\n'));
        m.append("```\n\nHardware, software, hyperparameters and data-set identity: see index.html.\n");
        return m.toString();
    }

    private static void table(StringBuilder m, ReportTable table) {
        m.append('|');
        table.header().forEach(h -> m.append(' ').append(inline(h)).append(" |"));
        m.append("\n|");
        table.numeric().forEach(n -> m.append(n ? "---:|" : "---|"));
        m.append('\n');
        for (List<String> row : table.rows()) {
            m.append('|');
            row.forEach(cell -> m.append(' ').append(inline(cell)).append(" |"));
            m.append('\n');
        }
    }

    /** One table-safe line: pipes escaped, line breaks flattened. */
    private static String inline(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}

package dev.metascale.report;

import java.util.List;

/**
 * A section of the report beyond the frontiers (scaling, profiles, traces): sentences, charts and
 * tables, or, when the run has no data for it, one line saying what to run to get it.
 *
 * @param id         HTML anchor
 * @param title      heading
 * @param sentences  findings in plain language (fitted exponents, speedups)
 * @param charts     rendered charts
 * @param tables     tables (e.g. speedup and efficiency, top operators)
 * @param absentHint when non-null the section has no data: what to run to fill it
 */
public record ReportSection(String id, String title, List<String> sentences, List<ChartImage> charts, List<ReportTable> tables,
                            String absentHint) {
    public ReportSection {
        sentences = List.copyOf(sentences);
        charts = List.copyOf(charts);
        tables = List.copyOf(tables);
    }

    static ReportSection absent(String id, String title, String hint) {
        return new ReportSection(id, title, List.of(), List.of(), List.of(), hint);
    }

    public boolean hasData() {
        return absentHint == null;
    }
}

package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.SampleSeries;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.stats.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accuracy per test domain (FLEX's per-data-set table): for each configuration whose trials drew their test episodes
 * within domains ({@code sampler.within_group}, recorded as {@code samples.episode_group}), the mean query accuracy of
 * each domain's episodes with its 95 % Student-t interval over those episodes (each episode first averaged over the
 * seeds that ran it), and the unweighted mean over domains.
 */
final class DomainSection {
    private DomainSection() {
    }

    static ReportSection of(RunAnalysis analysis) {
        String title = "Accuracy per test domain";
        Map<String, Map<String, double[]>> byConfig = new java.util.LinkedHashMap<>(); // label -> domain -> episode accuracies
        TreeSet<String> domains = new TreeSet<>();
        for (ConfigurationSummary c : analysis.configurations()) {
            Map<String, double[]> perDomain = perDomain(analysis.trials(c.configId()));
            if (!perDomain.isEmpty()) {
                byConfig.put(c.label(), perDomain);
                domains.addAll(perDomain.keySet());
            }
        }
        if (byConfig.isEmpty()) {
            return ReportSection.absent("domains", title, "No trial drew its test episodes within domains: run a cross-domain data"
                    + " set with `sampler: {within_group: true}` (suites/nlp-cross-domain.yaml) for accuracy per test domain.");
        }
        List<String> header = new ArrayList<>(List.of("Configuration"));
        List<Boolean> numeric = new ArrayList<>(List.of(false));
        for (String d : domains) {
            header.add(d + " (mean ± 95 % CI)");
            numeric.add(true);
        }
        header.add("Mean over domains");
        numeric.add(true);
        List<List<String>> rows = new ArrayList<>();
        byConfig.forEach((label, perDomain) -> {
            List<String> row = new ArrayList<>(List.of(label));
            double sum = 0;
            int n = 0;
            for (String d : domains) {
                double[] xs = perDomain.get(d);
                if (xs == null) {
                    row.add(DisplayFormat.ABSENT);
                    continue;
                }
                double mean = Statistics.mean(xs);
                sum += mean;
                n++;
                row.add(String.format(Locale.ROOT, "%.1f ± %.1f %% (%d ep.)", 100 * mean, 100 * Statistics.ci95(xs), xs.length));
            }
            row.add(n == domains.size() ? String.format(Locale.ROOT, "%.1f %%", 100 * sum / n) : DisplayFormat.ABSENT);
            rows.add(row);
        });
        String sentence = "Each test episode is drawn within one domain; the test domains were never seen in meta-training."
                + " The interval is Student-t over the domain's episodes (task sampling; with one seed, not training randomness).";
        return new ReportSection("domains", title, List.of(sentence), List.of(),
                List.of(new ReportTable(List.copyOf(header), List.copyOf(numeric), rows)), null);
    }

    /** Domain → per-episode accuracy (mean over the seeds that ran the episode); empty when no trial recorded groups. */
    static Map<String, double[]> perDomain(List<TrialResult> trials) {
        Map<Integer, double[]> sums = new TreeMap<>(); // episode -> {sum, count}
        Map<Integer, String> domainOf = new TreeMap<>();
        for (TrialResult t : trials) {
            JsonNode samples = t.samples();
            JsonNode groups = samples == null ? null : samples.get(SampleSeries.EPISODE_GROUP.key());
            JsonNode accuracy = samples == null ? null : samples.get(SampleSeries.EPISODE_ACCURACY.key());
            if (groups == null || accuracy == null || groups.size() != accuracy.size()) {
                continue;
            }
            for (int i = 0; i < groups.size(); i++) {
                double[] acc = sums.computeIfAbsent(i, k -> new double[2]);
                acc[0] += accuracy.get(i).asDouble();
                acc[1]++;
                domainOf.put(i, groups.get(i).asText());
            }
        }
        Map<String, List<Double>> lists = new TreeMap<>();
        sums.forEach((i, acc) -> lists.computeIfAbsent(domainOf.get(i), k -> new ArrayList<>()).add(acc[0] / acc[1]));
        Map<String, double[]> out = new TreeMap<>();
        lists.forEach((d, xs) -> out.put(d, xs.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }
}

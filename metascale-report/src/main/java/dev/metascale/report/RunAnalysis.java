package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the report shows, derived from the records of one run directory: configurations
 * (ok trials grouped by {@code config_id}), failed trials, and the frontiers.
 *
 * <p>A trial recorded ok more than once (it should not happen) counts once, with its last record.
 * A failed record is always listed, flagged when a later re-run of the same trial succeeded.
 */
public final class RunAnalysis {
    private final List<TrialResult> records;
    private final List<TrialResult> searchRecords;
    private final Map<String, String> labels;
    private final List<ConfigurationSummary> configurations;
    private final List<FailedTrial> failures;
    private final Map<CostMetric, ParetoFrontier<ConfigurationSummary>> frontiers;
    private final Map<String, List<TrialResult>> okTrials;

    private RunAnalysis(List<TrialResult> all) {
        List<TrialResult> records = all.stream().filter(r -> r.spec() == null || !r.spec().isTuning()).toList();
        this.records = records;
        this.searchRecords = all.stream().filter(r -> r.spec() != null && r.spec().isTuning()).toList();
        Map<String, TrialSpec> specs = new LinkedHashMap<>();
        records.forEach(r -> specs.putIfAbsent(r.configId(), r.spec()));
        this.labels = ConfigurationLabels.unique(specs);
        this.okTrials = okTrialsByConfig(records);
        this.configurations = aggregate(okTrials, labels);
        List<FailedTrial> failed = new ArrayList<>(failures(records, labels));
        Map<String, String> searchLabels = new LinkedHashMap<>();
        searchRecords.forEach(r -> searchLabels.putIfAbsent(r.configId(), r.spec().label() + " (tuning search)"));
        failed.addAll(failures(searchRecords, searchLabels));
        this.failures = List.copyOf(failed);
        Map<CostMetric, ParetoFrontier<ConfigurationSummary>> byMetric = new LinkedHashMap<>();
        for (CostMetric metric : CostMetric.values()) {
            byMetric.put(metric, metric.frontier(configurations));
        }
        this.frontiers = byMetric;
    }

    /** @param records every record of the run, in file order */
    public static RunAnalysis of(List<TrialResult> records) {
        return new RunAnalysis(records);
    }

    /** The records of the suite's own trials (a tuning search's trials are in {@link #searchRecords()}). */
    public List<TrialResult> records() {
        return records;
    }

    /**
     * The records of a tuning search ({@code phase: tune}, scored on validation episodes), in file order: kept out of
     * every frontier, rank and test of the report, shown in its tuning section.
     */
    public List<TrialResult> searchRecords() {
        return searchRecords;
    }

    /** Configurations with at least one ok trial, in order of first appearance. */
    public List<ConfigurationSummary> configurations() {
        return configurations;
    }

    public List<FailedTrial> failures() {
        return failures;
    }

    /** The unique label of a configuration id (also of configurations whose every trial failed). */
    public String label(String configId) {
        return labels.get(configId);
    }

    public ParetoFrontier<ConfigurationSummary> frontier(CostMetric metric) {
        return frontiers.get(metric);
    }

    /** Every configuration recorded (including those whose every trial failed), in order of first appearance. */
    public List<ConfigurationSpec> specs() {
        Map<String, TrialSpec> specs = new LinkedHashMap<>();
        Map<String, java.util.TreeSet<Long>> seeds = new LinkedHashMap<>();
        for (TrialResult r : records) {
            specs.putIfAbsent(r.configId(), r.spec());
            seeds.computeIfAbsent(r.configId(), k -> new java.util.TreeSet<>()).add(r.spec().seed());
        }
        List<ConfigurationSpec> out = new ArrayList<>();
        specs.forEach((id, spec) -> out.add(new ConfigurationSpec(id, labels.get(id), spec, List.copyOf(seeds.get(id)))));
        return List.copyOf(out);
    }

    /** First {@code started_at} and last {@code finished_at} of the records (ISO-8601 strings), when recorded. */
    public Optional<String> firstStart() {
        return records.stream().map(TrialResult::startedAt).filter(s -> s != null && !s.isEmpty()).min(String::compareTo);
    }

    /** The last {@code finished_at} of the records, when recorded. */
    public Optional<String> lastFinish() {
        return records.stream().map(TrialResult::finishedAt).filter(s -> s != null && !s.isEmpty()).max(String::compareTo);
    }

    public long okCount() {
        return records.stream().filter(TrialResult::isOk).count();
    }

    /** Suite names in order of appearance. */
    public List<String> suites() {
        Set<String> suites = new LinkedHashSet<>();
        records.forEach(r -> suites.add(r.spec().suite()));
        return List.copyOf(suites);
    }

    /** The environment of the first record that has one. */
    public Optional<ObjectNode> firstEnv() {
        return records.stream().map(TrialResult::env).filter(e -> e != null && !e.isEmpty()).findFirst();
    }

    /** Distinct data-set identities of the ok trials, in order of appearance. */
    public List<ObjectNode> datasets() {
        Map<String, ObjectNode> byIdentity = new LinkedHashMap<>();
        for (TrialResult r : records) {
            if (r.dataset() != null) {
                String key = r.dataset().path("name").asText() + "|" + r.dataset().path("version").asText() + "|"
                        + r.dataset().path("hash").asText();
                byIdentity.putIfAbsent(key, r.dataset());
            }
        }
        return List.copyOf(byIdentity.values());
    }

    /** Distinct values of one env key over all records (e.g. several hosts or git revisions). */
    public List<String> distinctEnv(String key) {
        Set<String> values = new LinkedHashSet<>();
        for (TrialResult r : records) {
            if (r.env() != null && r.env().has(key)) {
                values.add(r.env().get(key).asText());
            }
        }
        return List.copyOf(values);
    }

    /** The ok trials (one record per trial, the last) of a configuration; empty when none. */
    public List<TrialResult> trials(String configId) {
        return okTrials.getOrDefault(configId, List.of());
    }

    /** A metric of a configuration: the mean over its seeds that measured it; empty when none did. */
    public java.util.OptionalDouble metric(ConfigurationSummary c, Metric name) {
        double[] values = trials(c.configId()).stream().map(t -> t.metric(name)).filter(java.util.OptionalDouble::isPresent)
                .mapToDouble(java.util.OptionalDouble::getAsDouble).toArray();
        return values.length == 0 ? java.util.OptionalDouble.empty()
                : java.util.OptionalDouble.of(dev.metascale.core.stats.Statistics.mean(values));
    }

    /**
     * The group of configurations whose accuracies are comparable: the same evaluation data set and episode shape
     * (sampler, ways, shots, queries). A 1-shot and a 5-shot accuracy answer different questions, so ranks and
     * significance tests never mix them.
     */
    public static String comparisonGroup(TrialSpec spec) {
        var s = spec.sampler();
        String shape = "fixed".equals(s.kind()) ? s.ways() + "-way " + s.shots() + "-shot, " + s.query() + " queries"
                : s.kind() + " " + s.ways() + "-way " + s.minShots() + "–" + s.maxShots() + " shots, " + s.query() + " queries";
        return (spec.eval().dataset() != null ? spec.eval().dataset() : spec.dataset()) + " " + shape
                + (spec.eval().onValidation() ? ", validation classes" : "");
    }

    /**
     * The comparison group of a configuration: {@link #comparisonGroup(TrialSpec)}, and for a language model (scored by
     * perplexity) that named, so an accuracy and a perplexity never share a frontier, rank or test.
     */
    public static String comparisonGroup(ConfigurationSummary c) {
        return comparisonGroup(c.spec()) + (c.scoreKind().orElse(TaskScore.ACCURACY) == TaskScore.PERPLEXITY ? ", perplexity" : "");
    }

    /** The configurations by {@link #comparisonGroup(ConfigurationSummary)}, groups in order of first appearance. */
    public Map<String, List<ConfigurationSummary>> comparisonGroups() {
        Map<String, List<ConfigurationSummary>> groups = new LinkedHashMap<>();
        configurations.forEach(c -> groups.computeIfAbsent(comparisonGroup(c), k -> new ArrayList<>()).add(c));
        return groups;
    }

    /** The score kinds the configurations were judged by, accuracy first; empty when none has a score. */
    public List<TaskScore> scoreKinds() {
        return java.util.Arrays.stream(TaskScore.values())
                .filter(k -> configurations.stream().anyMatch(c -> c.scoreKind().orElse(null) == k)).toList();
    }

    /** The configuration with the best score (highest accuracy, or lowest perplexity when none has an accuracy). */
    public Optional<ConfigurationSummary> best() {
        List<TaskScore> kinds = scoreKinds();
        return kinds.isEmpty() ? Optional.empty() : best(configurations.stream().filter(c -> c.scoreKind().orElse(null) == kinds.get(0)).toList());
    }

    /** The best-scored of {@code among} (one comparison group, so one score kind), by its oriented score. */
    static Optional<ConfigurationSummary> best(List<ConfigurationSummary> among) {
        return among.stream().filter(c -> c.orientedScore().isPresent())
                .max(java.util.Comparator.comparingDouble(c -> c.orientedScore().getAsDouble()));
    }

    /**
     * Score rank of each configuration with a score within its {@link #comparisonGroup(ConfigurationSummary)}, by
     * {@link TieRanking} (Meta-Dataset's tie rule) on the oriented score: the most accurate, or the lowest perplexity,
     * is rank 1.
     */
    public Map<ConfigurationSummary, Integer> ranks() {
        Map<ConfigurationSummary, Integer> ranks = new LinkedHashMap<>();
        for (List<ConfigurationSummary> group : comparisonGroups().values()) {
            List<TieRanking.Entry<ConfigurationSummary>> entries = new ArrayList<>();
            for (ConfigurationSummary c : group) {
                c.score().ifPresent(a -> entries.add(new TieRanking.Entry<>(c, c.orientedScore().getAsDouble(), a.ci95())));
            }
            ranks.putAll(TieRanking.rank(entries));
        }
        return ranks;
    }

    private static Map<String, List<TrialResult>> okTrialsByConfig(List<TrialResult> records) {
        Map<String, TrialResult> lastOkByTrial = new LinkedHashMap<>();
        for (TrialResult r : records) {
            if (r.isOk()) {
                lastOkByTrial.remove(r.trialId());
                lastOkByTrial.put(r.trialId(), r);
            }
        }
        Map<String, List<TrialResult>> byConfig = new LinkedHashMap<>();
        for (TrialResult r : records) {
            if (r.isOk() && lastOkByTrial.get(r.trialId()) == r) {
                byConfig.computeIfAbsent(r.configId(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, List<TrialResult>> out = new LinkedHashMap<>();
        byConfig.forEach((id, trials) -> out.put(id, List.copyOf(trials)));
        return out;
    }

    private static List<ConfigurationSummary> aggregate(Map<String, List<TrialResult>> byConfig, Map<String, String> labels) {
        List<ConfigurationSummary> out = new ArrayList<>();
        byConfig.forEach((id, trials) -> out.add(ConfigurationSummary.of(labels.get(id), trials)));
        return List.copyOf(out);
    }

    private static List<FailedTrial> failures(List<TrialResult> records, Map<String, String> labels) {
        Set<String> okTrials = new LinkedHashSet<>();
        records.stream().filter(TrialResult::isOk).forEach(r -> okTrials.add(r.trialId()));
        List<FailedTrial> out = new ArrayList<>();
        for (TrialResult r : records) {
            if (r.isOk()) {
                continue;
            }
            ErrorInfo error = r.error();
            String kind = error == null || error.kind() == null ? "unknown" : error.kind();
            String message = error == null || error.message() == null ? "" : error.message();
            out.add(new FailedTrial(r.trialId(), labels.get(r.configId()), r.spec().seed(), kind, message,
                    okTrials.contains(r.trialId())));
        }
        return List.copyOf(out);
    }
}

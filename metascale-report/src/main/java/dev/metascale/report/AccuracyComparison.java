package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.SampleSeries;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.core.stats.Statistics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares the score of two configurations (accuracy, or a language model's perplexity: {@link TaskScore}) with the
 * strongest test their records allow. A trained model is
 * the unit of replication: with two or more seeds on each side the test runs over seeds, so the variance of
 * training (initialisation, task order) is in it; a test over the test episodes of one seed measures only the
 * variance of the episode draw and says so ({@link MeanDifference#describe()}).
 * <ol>
 *   <li><b>paired over seeds</b> when at least two seeds were run on both sides: per shared seed the
 *       difference of its two accuracies (same initialisation and task order; the same test episodes when
 *       the pools match), then a paired t-test with seeds − 1 degrees of freedom;</li>
 *   <li><b>Welch over seeds</b> when each side has at least two seeds but fewer than two are shared;</li>
 *   <li><b>paired over episodes</b> with one seed on a side, when both were scored on the same test episodes
 *       (same data set, evaluation data set, sampler, {@code eval.episodes} and {@code eval.seed}) and every
 *       trial kept {@code samples.episode_accuracy}: per episode the mean over seeds, then a paired t-test;</li>
 *   <li><b>Welch over episodes</b> otherwise, from each side's {@code accuracy} {mean, std, n}.</li>
 * </ol>
 */
public final class AccuracyComparison {
    private AccuracyComparison() {
    }

    /** The key of the test-episode pool a trial was scored on: equal keys mean the same episodes. */
    public static String episodePool(TrialSpec s) {
        return s.dataset() + "|" + Objects.toString(s.eval().dataset(), s.dataset()) + "|" + s.sampler() + "|"
                + s.eval().episodes() + "|" + s.eval().seed();
    }

    /** Per test episode, the mean accuracy over the trials (seeds); empty when a trial lacks the samples or lengths differ. */
    public static Optional<double[]> perEpisode(List<TrialResult> trials) {
        return perEpisode(trials, SampleSeries.EPISODE_ACCURACY);
    }

    /** Per test episode, the mean of one series over the trials (seeds); empty when a trial lacks it or lengths differ. */
    static Optional<double[]> perEpisode(List<TrialResult> trials, SampleSeries series) {
        double[] sum = null;
        for (TrialResult t : trials) {
            JsonNode samples = t.samples(series).orElse(null);
            if (samples == null || !samples.isArray() || samples.size() < 2) {
                return Optional.empty();
            }
            if (sum == null) {
                sum = new double[samples.size()];
            } else if (sum.length != samples.size()) {
                return Optional.empty();
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += samples.get(i).asDouble();
            }
        }
        if (sum == null) {
            return Optional.empty();
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= trials.size();
        }
        return Optional.of(sum);
    }

    /**
     * {@code b − a} in accuracy (fraction); empty when either side has no accuracy or too little
     * data for any test.
     */
    public static Optional<MeanDifference> compare(List<TrialResult> a, List<TrialResult> b) {
        return compare(a, b, TaskScore.ACCURACY);
    }

    /**
     * {@code b − a} in {@code score}'s metric (accuracy as a fraction, perplexity as it is); empty when either side has
     * not measured it or has too little data for any test.
     */
    public static Optional<MeanDifference> compare(List<TrialResult> a, List<TrialResult> b, TaskScore score) {
        Metric metric = score.metric();
        List<TrialResult> ma = a.stream().filter(t -> t.metric(metric).isPresent()).toList();
        List<TrialResult> mb = b.stream().filter(t -> t.metric(metric).isPresent()).toList();
        if (ma.isEmpty() || mb.isEmpty()) {
            return Optional.empty();
        }
        if (ma.size() >= 2 && mb.size() >= 2) {
            Map<Long, Double> byA = bySeed(ma, metric);
            Map<Long, Double> byB = bySeed(mb, metric);
            List<Long> shared = byA.keySet().stream().filter(byB::containsKey).sorted().toList();
            if (shared.size() >= 2) {
                return Optional.of(MeanDifference.paired(shared.stream().mapToDouble(byA::get).toArray(),
                        shared.stream().mapToDouble(byB::get).toArray()).over(MeanDifference.SEEDS));
            }
            return Optional.of(MeanDifference.welch(seedMeans(ma, metric), seedMeans(mb, metric)).over(MeanDifference.SEEDS));
        }
        if (episodePool(ma.get(0).spec()).equals(episodePool(mb.get(0).spec()))) {
            Optional<double[]> ea = perEpisode(ma, score.perEpisode());
            Optional<double[]> eb = perEpisode(mb, score.perEpisode());
            if (ea.isPresent() && eb.isPresent() && ea.get().length == eb.get().length) {
                return Optional.of(MeanDifference.paired(ea.get(), eb.get()).over(MeanDifference.EPISODES));
            }
        }
        JsonNode da = ma.get(0).distribution(metric).orElse(null);
        JsonNode db = mb.get(0).distribution(metric).orElse(null);
        if (da == null || db == null || !da.has("std") || !db.has("std") || da.path("n").asInt() < 2 || db.path("n").asInt() < 2) {
            return Optional.empty();
        }
        return Optional.of(MeanDifference.welch(Statistics.mean(seedMeans(ma, metric)), da.get("std").asDouble(), da.get("n").asInt(),
                Statistics.mean(seedMeans(mb, metric)), db.get("std").asDouble(), db.get("n").asInt()).over(MeanDifference.EPISODES));
    }

    /** The metric per seed; a seed run twice on one side (a rerun) counts once, by the mean of its runs. */
    private static Map<Long, Double> bySeed(List<TrialResult> trials, Metric metric) {
        Map<Long, double[]> sums = new TreeMap<>();
        for (TrialResult t : trials) {
            double[] s = sums.computeIfAbsent(t.spec().seed(), k -> new double[2]);
            s[0] += t.metric(metric).getAsDouble();
            s[1]++;
        }
        Map<Long, Double> out = new TreeMap<>();
        sums.forEach((seed, s) -> out.put(seed, s[0] / s[1]));
        return out;
    }

    private static double[] seedMeans(List<TrialResult> trials, Metric metric) {
        return trials.stream().mapToDouble(t -> t.metric(metric).getAsDouble()).toArray();
    }
}

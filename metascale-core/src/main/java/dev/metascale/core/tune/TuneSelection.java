package dev.metascale.core.tune;

import dev.metascale.core.result.Metric;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What a search found: each candidate's validation score (mean accuracy over the tune seeds, or for a language model
 * the negated perplexity: higher is better either way) and the selected one, read only from records whose evaluation
 * ran on the validation split. A test-split record is never read, whatever it holds.
 *
 * @param search   the search
 * @param scores   per candidate: its score, empty when any of its seeds failed or is not yet recorded
 * @param selected the best candidate (ties: the earlier one), empty when no candidate has a score
 * @param seedsPerCandidate training seeds each candidate's score averages
 * @param spentS   worker wall seconds of its recorded search trials (the compute the method's budget took)
 * @param trials   its recorded search trials
 */
public record TuneSelection(TunePlan.Search search, List<OptionalDouble> scores, OptionalInt selected, int seedsPerCandidate,
                            double spentS, int trials) {
    public TuneSelection {
        scores = List.copyOf(scores);
    }

    /** The selected setting, or empty when the search has no scored candidate. */
    public Optional<AlgorithmSpec> setting() {
        return selected.isPresent() ? Optional.of(search.candidates().get(selected.getAsInt())) : Optional.empty();
    }

    /** The selection of every search of {@code plan} from {@code records} (any order; failed and test records ignored). */
    public static List<TuneSelection> of(TunePlan plan, List<TrialResult> records) {
        Map<String, TrialResult> byId = recordPerTrial(records.stream().filter(r -> r.spec() != null && r.spec().eval().onValidation()).toList());
        List<TuneSelection> selections = new ArrayList<>();
        for (TunePlan.Search search : plan.searches()) {
            List<OptionalDouble> scores = new ArrayList<>();
            double spent = 0;
            int trials = 0;
            int best = -1;
            for (int c = 0; c < search.candidates().size(); c++) {
                double sum = 0;
                boolean complete = true;
                for (TrialSpec trial : search.trialsOf(c, plan.spec())) {
                    TrialResult r = byId.get(trial.id());
                    if (r != null) {
                        spent += r.wallTimeS();
                        trials++;
                    }
                    OptionalDouble score = r == null || !r.isOk() ? OptionalDouble.empty() : score(r);
                    if (score.isEmpty()) {
                        complete = false;
                    } else {
                        sum += score.getAsDouble();
                    }
                }
                OptionalDouble mean = complete ? OptionalDouble.of(sum / plan.spec().seeds().size()) : OptionalDouble.empty();
                scores.add(mean);
                if (mean.isPresent() && (best < 0 || mean.getAsDouble() > scores.get(best).getAsDouble())) {
                    best = c;
                }
            }
            selections.add(new TuneSelection(search, scores, best < 0 ? OptionalInt.empty() : OptionalInt.of(best),
                    plan.spec().seeds().size(), spent, trials));
        }
        return selections;
    }

    /**
     * The record that stands for each trial id: its first ok record, else its last one (a failure later re-run ok
     * counts as ok), in order of first appearance.
     */
    public static Map<String, TrialResult> recordPerTrial(List<TrialResult> records) {
        Map<String, TrialResult> byId = new java.util.LinkedHashMap<>();
        for (TrialResult r : records) {
            TrialResult before = byId.get(r.trialId());
            if (before == null || !before.isOk()) {
                byId.put(r.trialId(), r);
            }
        }
        return byId;
    }

    /** Mean validation accuracy, or minus the mean perplexity of a language model. */
    public static OptionalDouble score(TrialResult r) {
        OptionalDouble accuracy = r.metric(Metric.ACCURACY);
        if (accuracy.isPresent()) {
            return accuracy;
        }
        OptionalDouble perplexity = r.metric(Metric.PERPLEXITY);
        return perplexity.isPresent() ? OptionalDouble.of(-perplexity.getAsDouble()) : OptionalDouble.empty();
    }

    /**
     * The suite's trials with every tuned configuration at its selected setting (seeds kept).
     *
     * @throws IllegalStateException when a search has no scored candidate (every one failed): its message names them
     */
    public static List<TrialSpec> tunedTrials(List<TuneSelection> selections, List<TrialSpec> suiteTrials) {
        Map<String, TuneSelection> byConfig = new HashMap<>();
        selections.forEach(s -> byConfig.put(s.search().configId(), s));
        List<TrialSpec> tuned = new ArrayList<>();
        for (TrialSpec trial : suiteTrials) {
            TuneSelection selection = byConfig.get(trial.configId());
            if (selection == null) {
                tuned.add(trial);
                continue;
            }
            AlgorithmSpec setting = selection.setting().orElseThrow(() -> new IllegalStateException("no search trial of "
                    + selection.search().template().label() + " succeeded, so it has no selected setting; see the failed"
                    + " records (phase tune) in results.jsonl, fix the cause and run again with --resume"));
            tuned.add(trial.withAlgorithm(setting));
        }
        return tuned;
    }

    /**
     * {@code maml conv4 5w1s: inner_lr 0.2, outer_lr 0.003 (validation score 0.712, best of 6 candidates x 1 seed, 84 s)}, or
     * why nothing was selected.
     */
    public String describe() {
        String label = search.template().label();
        if (setting().isEmpty()) {
            return label + ": nothing selected (" + trials + " of " + search.candidates().size() * seedsPerCandidate
                    + " search trials recorded, none of its candidates complete and ok)";
        }
        AlgorithmSpec chosen = setting().get();
        String values = String.join(", ", search.ranges().stream().map(r -> r.key() + " " + chosen.value(r.key())).toList());
        return String.format(java.util.Locale.ROOT, "%s: %s (validation score %.4f, best of %d candidates x %d seed%s, %.0f s)", label,
                values, scores.get(selected.getAsInt()).getAsDouble(), search.candidates().size(), seedsPerCandidate,
                seedsPerCandidate == 1 ? "" : "s", spentS);
    }

}

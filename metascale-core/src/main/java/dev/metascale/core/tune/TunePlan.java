package dev.metascale.core.tune;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.Hyperparameter;
import dev.metascale.core.component.LearnerDescriptor;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.TrialSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The searches of a tuned suite: one per configuration of the suite (its trials without the seed), each with the
 * same number of candidates, every candidate trained with the tune seeds and scored on the same validation episodes.
 * Nothing here reads a result: {@link TuneSelection} picks from the records.
 */
public record TunePlan(TuneSpec spec, List<Search> searches) {
    public TunePlan {
        searches = List.copyOf(searches);
    }

    /**
     * One configuration's search.
     *
     * @param template   the configuration (seed 0) whose keys are searched
     * @param ranges     the searched keys (those the method declares) with their ranges
     * @param candidates the settings tried, in order
     */
    public record Search(TrialSpec template, List<SearchRange> ranges, List<AlgorithmSpec> candidates) {
        public Search {
            ranges = List.copyOf(ranges);
            candidates = List.copyOf(candidates);
        }

        /** The method's name ({@code algorithm.name}). */
        public String method() {
            return template.algorithm().name();
        }

        /** The search trials of candidate {@code index}, one per tune seed. */
        public List<TrialSpec> trialsOf(int index, TuneSpec spec) {
            List<TrialSpec> trials = new ArrayList<>();
            for (long seed : spec.seeds()) {
                trials.add(template.withAlgorithm(candidates.get(index)).withSeed(seed).forTuning(spec.episodes(), spec.evalSeed()));
            }
            return trials;
        }

        /** The configuration id of the suite's trials this search tunes. */
        public String configId() {
            return template.configId();
        }
    }

    /**
     * The plan for the suite's trials.
     *
     * @throws IllegalArgumentException when the budgets cannot be equal (grids of different sizes, a grid smaller than
     *                                  {@code trials}) or a key is searched that no method of the suite declares; the
     *                                  message names the fix
     */
    public static TunePlan of(TuneSpec spec, List<TrialSpec> suiteTrials) {
        Map<String, TrialSpec> configurations = new LinkedHashMap<>();
        for (TrialSpec trial : suiteTrials) {
            configurations.putIfAbsent(trial.configId(), trial.withSeed(0));
        }
        List<Search> searches = new ArrayList<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (TrialSpec template : configurations.values()) {
            List<SearchRange> ranges = rangesOf(spec, template.algorithm().name());
            if (ranges.isEmpty()) {
                List<String> own = Components.learner(template.algorithm().name()).orElseThrow().hyperparameters().stream()
                        .map(Hyperparameter::key).toList();
                throw new IllegalArgumentException("tune.keys: " + template.algorithm().name() + " reads none of the searched keys ("
                        + String.join(", ", spec.keys().keySet()) + "), so its search would have nothing to vary; add one it reads ("
                        + String.join(", ", own) + ")");
            }
            ranges.forEach(r -> used.add(r.key()));
            searches.add(new Search(template, ranges, candidates(spec, template.algorithm(), ranges)));
        }
        for (String key : spec.keys().keySet()) {
            if (!used.contains(key)) {
                throw new IllegalArgumentException("tune.keys." + key + ": no method of this suite reads " + key + " (its methods: "
                        + String.join(", ", configurations.values().stream().map(t -> t.algorithm().name()).distinct().toList())
                        + "); remove it or add a method that does (see `metascale list`)");
            }
        }
        if (spec.search().equals(TuneSpec.GRID) && spec.trials() == 0) {
            Map<String, Integer> sizes = new LinkedHashMap<>();
            searches.forEach(s -> sizes.putIfAbsent(s.method(), s.candidates().size()));
            if (sizes.values().stream().distinct().count() > 1) {
                throw new IllegalArgumentException("tune: the grids give the methods different budgets (" + sizes.toString()
                        .replaceAll("[{}]", "") + " candidates): set tune.trials to give each the same number (at most the"
                        + " smallest grid, " + sizes.values().stream().mapToInt(i -> i).min().orElse(0) + "), or use search: random");
            }
        }
        return new TunePlan(spec, searches);
    }

    /** The keys {@code method} reads that the spec searches, with their ranges. */
    static List<SearchRange> rangesOf(TuneSpec spec, String method) {
        LearnerDescriptor learner = Components.learner(method).orElseThrow(() -> new IllegalArgumentException(
                "unknown algorithm '" + method + "'"));
        List<SearchRange> ranges = new ArrayList<>();
        for (Hyperparameter declared : learner.hyperparameters()) {
            if (spec.keys().isEmpty()) {
                ranges.add(SearchRange.of(declared));
            } else if (spec.keys().containsKey(declared.key())) {
                SearchRange given = spec.keys().get(declared.key());
                SearchRange own = SearchRange.of(declared);
                ranges.add(given == null ? own : given.values().isEmpty() ? own.between(given.low(), given.high()) : own.among(given.values()));
            }
        }
        return ranges;
    }

    /** The candidates of one configuration: a seeded random sample or the (subsampled) grid. */
    static List<AlgorithmSpec> candidates(TuneSpec spec, AlgorithmSpec base, List<SearchRange> ranges) {
        Random random = new Random(mix(spec.seed(), base.name().hashCode()));
        List<AlgorithmSpec> candidates = new ArrayList<>();
        if (spec.search().equals(TuneSpec.RANDOM)) {
            candidates.add(base); // the suite's own setting is always tried: tuning can only help on validation
            int attempts = 0;
            while (candidates.size() < spec.trials() && attempts++ < 100 * spec.trials()) {
                AlgorithmSpec candidate = base;
                for (SearchRange range : ranges) {
                    candidate = candidate.with(range.key(), range.sample(random));
                }
                if (!candidates.contains(candidate)) {
                    candidates.add(candidate);
                }
            }
            if (candidates.size() < spec.trials()) {
                throw new IllegalArgumentException("tune: " + base.name() + "'s search space (" + describe(ranges) + ") holds fewer than"
                        + " tune.trials " + spec.trials() + " distinct settings; widen its ranges or lower tune.trials");
            }
            return candidates;
        }
        List<AlgorithmSpec> grid = new ArrayList<>(List.of(base));
        for (SearchRange range : ranges) {
            List<AlgorithmSpec> next = new ArrayList<>();
            for (AlgorithmSpec partial : grid) {
                for (Number v : range.grid(spec.points())) {
                    next.add(partial.with(range.key(), v));
                }
            }
            grid = next;
        }
        if (spec.trials() == 0) {
            return grid;
        }
        if (grid.size() < spec.trials()) {
            throw new IllegalArgumentException("tune: " + base.name() + "'s grid (" + describe(ranges) + ", " + spec.points()
                    + " points a range) has " + grid.size() + " settings, fewer than tune.trials " + spec.trials()
                    + ": every method needs the same budget; give its keys more values or lower tune.trials");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        List<Integer> kept = new ArrayList<>(order.subList(0, spec.trials()));
        java.util.Collections.sort(kept);
        List<AlgorithmSpec> subsample = new ArrayList<>();
        for (int i : kept) {
            subsample.add(grid.get(i));
        }
        return subsample;
    }

    /** Every search trial of the plan, search by search, candidate by candidate. */
    public List<TrialSpec> trials() {
        List<TrialSpec> trials = new ArrayList<>();
        for (Search search : searches) {
            for (int c = 0; c < search.candidates().size(); c++) {
                trials.addAll(search.trialsOf(c, spec));
            }
        }
        return trials;
    }

    private static String describe(List<SearchRange> ranges) {
        return ranges.isEmpty() ? "no searched keys" : String.join(", ", ranges.stream().map(SearchRange::describe).toList());
    }

    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.metascale.core.spec;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.Hyperparameter;
import dev.metascale.core.spec.YamlNode.Mapping;
import dev.metascale.core.spec.YamlNode.Scalar;
import dev.metascale.core.spec.YamlNode.Sequence;
import dev.metascale.core.tune.SearchRange;
import dev.metascale.core.tune.TunePlan;
import dev.metascale.core.tune.TuneSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a suite's {@code tune:} block into a {@link TuneSpec} (the README's "Tuning"), every problem located by line
 * and column: {@code search} (random | grid), {@code trials} per method, {@code seed}, {@code seeds},
 * {@code episodes} and {@code eval_seed} of the validation episodes, {@code points} of a grid's range, and
 * {@code keys}: a list of hyperparameter names (their declared ranges) or a map of name to a list of values,
 * {@code {low, high}}, or nothing (the declared range).
 */
final class TuneBlockReader {
    static final List<String> KEYS = List.of("search", "trials", "seed", "seeds", "episodes", "eval_seed", "points", "keys");

    private static final Schema.Field SEARCH = Schema.Field.name("tune.search", TuneSpec.RANDOM,
            Schema.Names.fixed("search", TuneSpec.SEARCHES.toArray(String[]::new)));
    private static final Schema.Field TRIALS = Schema.Field.integer("tune.trials", 8, Schema.Bound.atLeast(0));
    private static final Schema.Field SEED = new Schema.Field("tune.seed", Schema.Kind.LONG, 0L, null, null);
    private static final Schema.Field SEEDS = new Schema.Field("tune.seeds", Schema.Kind.LONG_LIST, List.of(0L), null, null);
    private static final Schema.Field EPISODES = Schema.Field.integer("tune.episodes", 100, Schema.Bound.atLeast(1));
    private static final Schema.Field EVAL_SEED = new Schema.Field("tune.eval_seed", Schema.Kind.LONG, 2000L, null, null);
    private static final Schema.Field POINTS = Schema.Field.integer("tune.points", 3, Schema.Bound.atLeast(1));

    private final Problems problems;

    TuneBlockReader(Problems problems) {
        this.problems = problems;
    }

    /** The block, or empty when it has a problem (each one reported). */
    Optional<TuneSpec> read(Mapping.Entry entry) {
        if (!(entry.value() instanceof Mapping map)) {
            problems.add(entry.value().at(), "tune", "expected a map of tuning keys (" + String.join(", ", KEYS) + "), got "
                    + entry.value().describe());
            return Optional.empty();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, SearchRange> keys = new LinkedHashMap<>();
        boolean valid = true;
        for (Mapping.Entry e : map.entries()) {
            String key = "tune." + e.key();
            Object value = switch (e.key()) {
                case "search" -> SEARCH.read(e.value(), key, problems);
                case "trials" -> TRIALS.read(e.value(), key, problems);
                case "seed" -> SEED.read(e.value(), key, problems);
                case "seeds" -> SEEDS.read(e.value(), key, problems);
                case "episodes" -> EPISODES.read(e.value(), key, problems);
                case "eval_seed" -> EVAL_SEED.read(e.value(), key, problems);
                case "points" -> POINTS.read(e.value(), key, problems);
                case "keys" -> readKeys(e.value(), keys) ? keys : Schema.INVALID;
                default -> {
                    problems.add(e.keyAt(), key, Schema.unknownKey(e.key(), KEYS));
                    yield Schema.INVALID;
                }
            };
            valid &= value != Schema.INVALID;
            values.put(e.key(), value);
        }
        if (!valid) {
            return Optional.empty();
        }
        String search = (String) values.getOrDefault("search", SEARCH.defaultValue());
        int trials = (Integer) values.getOrDefault("trials", search.equals(TuneSpec.GRID) ? 0 : TRIALS.defaultValue());
        if (search.equals(TuneSpec.RANDOM) && trials < 1) {
            problems.add(map.entry("trials").map(Mapping.Entry::keyAt).orElse(entry.keyAt()), "tune.trials",
                    "a random search needs at least 1 trial per method, got " + trials);
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Long> seeds = (List<Long>) values.getOrDefault("seeds", SEEDS.defaultValue());
        if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
            problems.add(map.entry("seeds").map(Mapping.Entry::keyAt).orElse(entry.keyAt()), "tune.seeds",
                    "give at least one seed, each once, e.g. [0]");
            return Optional.empty();
        }
        return Optional.of(new TuneSpec(search, trials, (Long) values.getOrDefault("seed", SEED.defaultValue()), seeds,
                (Integer) values.getOrDefault("episodes", EPISODES.defaultValue()),
                (Long) values.getOrDefault("eval_seed", EVAL_SEED.defaultValue()),
                (Integer) values.getOrDefault("points", POINTS.defaultValue()), keys));
    }

    /**
     * Validates the plan against the suite's trials: equal budgets, every searched key read by some method, the suite's
     * own trials on the test split.
     */
    void check(TuneSpec spec, List<TrialSpec> trials, Mapping.Entry entry) {
        for (TrialSpec trial : trials) {
            if (trial.eval().onValidation()) {
                problems.add(entry.keyAt(), "tune", "the suite's own trials evaluate on eval.split: val, the split the search"
                        + " selects on, so its results would be optimistically biased; leave eval.split at test in a tuned suite");
                return;
            }
        }
        try {
            TunePlan.of(spec, trials);
        } catch (IllegalArgumentException e) {
            problems.add(entry.keyAt(), "tune", e.getMessage());
        }
    }

    private boolean readKeys(YamlNode node, Map<String, SearchRange> keys) {
        boolean valid = true;
        if (node instanceof Sequence list) {
            for (int i = 0; i < list.items().size(); i++) {
                YamlNode item = list.items().get(i);
                if (item instanceof Scalar s && s.value() instanceof String name && known(name, item.at(), "tune.keys[" + i + "]")) {
                    keys.put(name, null);
                } else {
                    valid = false;
                    if (!(item instanceof Scalar s && s.value() instanceof String)) {
                        problems.add(item.at(), "tune.keys[" + i + "]", "expected a hyperparameter name, got " + item.describe());
                    }
                }
            }
            return valid;
        }
        if (!(node instanceof Mapping map)) {
            problems.add(node.at(), "tune.keys", "expected a list of hyperparameter names or a map of name: values|{low, high},"
                    + " got " + node.describe());
            return false;
        }
        for (Mapping.Entry e : map.entries()) {
            String key = "tune.keys." + e.key();
            if (!known(e.key(), e.keyAt(), key)) {
                valid = false;
                continue;
            }
            Hyperparameter declared = declared(e.key()).orElseThrow();
            SearchRange own = SearchRange.of(declared);
            Schema.Field field = Schema.field("algorithm." + e.key()).orElseThrow();
            if (e.value() instanceof Scalar s && s.isNull()) {
                keys.put(e.key(), null);
            } else if (e.value() instanceof Sequence list && !list.items().isEmpty()) {
                List<Double> values = new ArrayList<>();
                for (int i = 0; i < list.items().size(); i++) {
                    Object v = field.read(list.items().get(i), key + "[" + i + "]", problems);
                    if (v == Schema.INVALID) {
                        valid = false;
                    } else {
                        values.add(((Number) v).doubleValue());
                    }
                }
                keys.put(e.key(), own.among(values));
            } else if (e.value() instanceof Mapping range && range.entry("low").isPresent() && range.entry("high").isPresent()
                    && range.entries().size() == 2) {
                Object low = field.read(range.entry("low").get().value(), key + ".low", problems);
                Object high = field.read(range.entry("high").get().value(), key + ".high", problems);
                if (low == Schema.INVALID || high == Schema.INVALID) {
                    valid = false;
                } else if (((Number) low).doubleValue() > ((Number) high).doubleValue()) {
                    problems.add(e.value().at(), key, "low " + low + " is above high " + high);
                    valid = false;
                } else if (declared.logScale() && ((Number) low).doubleValue() <= 0) {
                    problems.add(e.value().at(), key, e.key() + " is searched on a logarithmic scale: low must be > 0, got " + low);
                    valid = false;
                } else {
                    keys.put(e.key(), own.between(((Number) low).doubleValue(), ((Number) high).doubleValue()));
                }
            } else {
                problems.add(e.value().at(), key, "expected a list of values, {low: .., high: ..} or nothing (its declared range "
                        + declared.describe() + "), got " + e.value().describe());
                valid = false;
            }
        }
        return valid;
    }

    private boolean known(String name, YamlNode.Position at, String key) {
        if (declared(name).isPresent()) {
            return true;
        }
        List<String> all = Components.learners().stream().flatMap(l -> l.hyperparameters().stream()).map(Hyperparameter::key)
                .distinct().toList();
        problems.add(at, key, "'" + name + "' is no hyperparameter a learner declares; "
                + NearestName.among(name, all).map(n -> "did you mean '" + n + "'? ").orElse("") + "searchable: " + String.join(", ", all));
        return false;
    }

    /** The first learner's declaration of {@code key}. */
    private static Optional<Hyperparameter> declared(String key) {
        return Components.learners().stream().flatMap(l -> l.hyperparameters().stream()).filter(h -> h.key().equals(key)).findFirst();
    }
}

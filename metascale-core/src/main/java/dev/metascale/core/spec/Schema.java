package dev.metascale.core.spec;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.Hyperparameter;
import dev.metascale.core.component.TechniqueDescriptor;
import dev.metascale.core.spec.YamlNode.Scalar;
import dev.metascale.core.spec.YamlNode.Sequence;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The keys a suite's {@code defaults} (and its sweep) may set: one row per key with its type,
 * default and allowed values. Keys are dotted paths: {@code section.key} for the sections
 * (sampler, model, ...) and a bare key for the top-level settings (dataset, seeds, fault).
 */
final class Schema {

    /** The value of a key whose problems were already reported; never reaches a trial. */
    static final Object INVALID = new Object() {
        @Override
        public String toString() {
            return "<invalid>";
        }
    };

    /** Value types. */
    enum Kind {
        INT("an integer"),
        LONG("an integer"),
        REAL("a number"),
        TEXT("a string"),
        NAME("a name"),
        /** Activation-checkpointing segments: true = 2, false = 0, or a count. */
        SEGMENTS("true, false or a segment count"),
        BOOL("true or false"),
        INT_LIST("a list of integers"),
        LONG_LIST("a list of integers");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    /** A lower bound on a number (or on every entry of a list of numbers). */
    record Bound(double limit, boolean inclusive) {
        static Bound atLeast(double limit) {
            return new Bound(limit, true);
        }

        static Bound above(double limit) {
            return new Bound(limit, false);
        }

        /** The problem with {@code value}, or null when it is in range. */
        String check(double value, String written) {
            boolean ok = inclusive ? value >= limit : value > limit;
            return ok ? null : "must be " + (inclusive ? ">= " : "> ") + format(limit) + ", got " + written;
        }
    }

    /**
     * Allowed names: {@code noun} names the kind in messages ("unknown algorithm ..."),
     * {@code listed} says whether `metascale list` shows them, {@code whyUnavailable} replaces the
     * generic "not available" reason for particular names.
     */
    record Names(String noun, List<Catalog.Entry> entries, boolean listed, Map<String, String> whyUnavailable) {
        static Names catalog(String noun, List<Catalog.Entry> entries) {
            return new Names(noun, entries, true, Map.of());
        }

        /** The choices of a technique's named setting, each unavailable one with the reason its descriptor gives. */
        static Names of(TechniqueDescriptor technique) {
            Map<String, String> why = new java.util.LinkedHashMap<>();
            technique.setting().choices().stream().filter(c -> !c.available() && !c.whyUnavailable().isEmpty())
                    .forEach(c -> why.put(c.name(), c.whyUnavailable()));
            return new Names(technique.key(), Catalog.entries(technique.setting().choices()), technique.setting().listed(), Map.copyOf(why));
        }

        static Names fixed(String noun, String... names) {
            List<Catalog.Entry> entries = new ArrayList<>();
            for (String name : names) {
                entries.add(new Catalog.Entry(name, true, ""));
            }
            return new Names(noun, List.copyOf(entries), false, Map.of());
        }

        /** The problem with {@code name}, or null when it names an available entry. */
        String check(String name) {
            Optional<Catalog.Entry> entry = Catalog.find(entries, name);
            String seeList = listed ? " (see `metascale list`)" : "";
            if (entry.isEmpty()) {
                List<String> known = entries.stream().map(Catalog.Entry::name).toList();
                return NearestName.among(name, known)
                        .map(near -> "unknown " + noun + " '" + name + "'; did you mean '" + near + "'?" + seeList)
                        .orElse("unknown " + noun + " '" + name + "'; known: " + String.join(", ", known) + seeList);
            }
            if (!entry.get().available()) {
                return whyUnavailable.getOrDefault(name, "'" + name + "' is not available in this version of metascale (planned); available: "
                        + entries.stream().filter(Catalog.Entry::available).map(Catalog.Entry::name).collect(Collectors.joining(", ")));
            }
            return null;
        }
    }

    /** One key: its dotted path, type, default (null: computed by the loader), bound and names. */
    record Field(String path, Kind kind, Object defaultValue, Bound bound, Names names) {
        static Field integer(String path, Integer defaultValue, Bound bound) {
            return new Field(path, Kind.INT, defaultValue, bound, null);
        }

        static Field real(String path, double defaultValue, Bound bound) {
            return new Field(path, Kind.REAL, defaultValue, bound, null);
        }

        static Field name(String path, String defaultValue, Names names) {
            return new Field(path, Kind.NAME, defaultValue, null, names);
        }

        /** The key {@code algorithm.<key>} of a learner's own hyperparameter: counts >= 0, logarithmic ranges > 0. */
        static Field of(Hyperparameter h) {
            String path = "algorithm." + h.key();
            return h.integer() ? integer(path, (Integer) h.defaultValue(), Bound.atLeast(0))
                    : new Field(path, Kind.REAL, h.defaultValue(), h.logScale() ? Bound.above(0) : null, null);
        }

        /** The key {@code techniques.<key>} of a registered technique, as its descriptor declares it. */
        static Field of(TechniqueDescriptor technique) {
            TechniqueDescriptor.Setting setting = technique.setting();
            return switch (setting.kind()) {
                case INTEGER -> integer(technique.path(), (Integer) setting.defaultValue(), Bound.atLeast(setting.minimum()));
                case SEGMENTS -> new Field(technique.path(), Kind.SEGMENTS, setting.defaultValue(), Bound.atLeast(setting.minimum()), null);
                case BOOLEAN -> new Field(technique.path(), Kind.BOOL, setting.defaultValue(), null, null);
                case NAME -> name(technique.path(), (String) setting.defaultValue(), Names.of(technique));
            };
        }

        /** The section ("sampler"), or "" for a top-level key. */
        String section() {
            int dot = path.indexOf('.');
            return dot < 0 ? "" : path.substring(0, dot);
        }

        /** The key within its section ("ways"). */
        String key() {
            return path.substring(path.indexOf('.') + 1);
        }

        /**
         * Converts and checks {@code node}. Problems are reported under {@code key}; the result
         * is then {@link #INVALID}.
         */
        Object read(YamlNode node, String key, Problems problems) {
            String problem;
            switch (kind) {
                case INT, LONG, REAL -> {
                    Object number = kind == Kind.REAL ? asReal(node) : asInteger(node, kind == Kind.INT);
                    if (number == null) {
                        problem = kind == Kind.REAL ? "expected " + kind.expected + ", got " + node.describe()
                                : notAnInteger(node, kind == Kind.INT, kind.expected);
                    } else {
                        problem = bound == null ? null : bound.check(((Number) number).doubleValue(), ((Scalar) node).text());
                        if (problem == null) {
                            return number;
                        }
                    }
                }
                case TEXT, NAME -> {
                    String text = asText(node);
                    if (text == null) {
                        problem = "expected " + kind.expected + ", got " + node.describe();
                    } else {
                        problem = names == null ? null : names.check(text);
                        if (problem == null) {
                            return text;
                        }
                    }
                }
                case SEGMENTS -> {
                    if (node instanceof Scalar s && s.value() instanceof Boolean b) {
                        return b ? 2 : 0;
                    }
                    Object count = asInteger(node, true);
                    if (count == null) {
                        problem = notAnInteger(node, true, kind.expected);
                    } else {
                        problem = bound.check((Integer) count, ((Scalar) node).text());
                        if (problem == null) {
                            return count;
                        }
                    }
                }
                case BOOL -> {
                    if (node instanceof Scalar s && s.value() instanceof Boolean b) {
                        return b;
                    }
                    problem = "expected " + kind.expected + ", got " + node.describe();
                }
                case INT_LIST, LONG_LIST -> {
                    return list(node, key, problems);
                }
                default -> throw new IllegalStateException(kind.name());
            }
            problems.add(node.at(), key, problem);
            return INVALID;
        }

        private Object list(YamlNode node, String key, Problems problems) {
            if (!(node instanceof Sequence sequence)) {
                problems.add(node.at(), key, "expected " + kind.expected + ", got " + node.describe());
                return INVALID;
            }
            List<Object> values = new ArrayList<>();
            boolean valid = true;
            for (int i = 0; i < sequence.items().size(); i++) {
                YamlNode item = sequence.items().get(i);
                Object value = asInteger(item, kind == Kind.INT_LIST);
                String problem = value == null ? notAnInteger(item, kind == Kind.INT_LIST, "an integer")
                        : bound == null ? null : bound.check(((Number) value).doubleValue(), ((Scalar) item).text());
                if (problem != null) {
                    problems.add(item.at(), key + "[" + i + "]", problem);
                    valid = false;
                }
                values.add(value);
            }
            return valid ? List.copyOf(values) : INVALID;
        }
    }

    /** Faults the worker can inject to test the harness. */
    static final List<String> FAULTS = List.of("none", "throw", "exit", "hang", "oom");

    /** The keys of the sections before {@code techniques}. Order is the order of sections and keys in messages. */
    private static final List<Field> COMPONENT_FIELDS = List.of(
            Field.name("dataset", "glyphs", Names.catalog("dataset", Catalog.DATASETS)),
            new Field("seeds", Kind.LONG_LIST, List.of(0L), null, null),
            Field.name("fault", "none", Names.fixed("fault", FAULTS.toArray(String[]::new))),

            Field.name("sampler.kind", "fixed", Names.catalog("sampler", Catalog.SAMPLERS)),
            Field.integer("sampler.ways", 5, Bound.atLeast(1)), // >= 2 for classification, 1 for language models (TrialGrid)
            Field.integer("sampler.shots", 1, Bound.atLeast(1)),
            Field.integer("sampler.query", 15, Bound.atLeast(1)),
            Field.integer("sampler.min_shots", 1, Bound.atLeast(1)),
            Field.integer("sampler.max_shots", 5, Bound.atLeast(1)),
            new Field("sampler.skip_small_classes", Kind.BOOL, false, null, null),
            new Field("sampler.within_group", Kind.BOOL, false, null, null),

            Field.name("model.arch", "conv4", Names.catalog("model", Catalog.MODELS)),
            new Field("model.size", Kind.TEXT, "", null, null),
            new Field("model.hidden", Kind.INT_LIST, List.of(256, 256), Bound.atLeast(1), null),
            Field.integer("model.channels", 64, Bound.atLeast(1)),
            Field.integer("model.frozen_layers", 0, Bound.atLeast(0)),

            Field.name("algorithm.name", "maml", Names.catalog("algorithm", Catalog.ALGORITHMS)),
            Field.real("algorithm.inner_lr", 0.4, Bound.above(0)),
            Field.integer("algorithm.inner_steps", 1, Bound.atLeast(0)),
            Field.integer("algorithm.eval_inner_steps", null, Bound.atLeast(0)), // default: inner_steps
            Field.real("algorithm.outer_lr", 0.001, Bound.above(0)),
            Field.integer("algorithm.meta_batch", 4, Bound.atLeast(1)),
            Field.integer("algorithm.cg_steps", 5, Bound.atLeast(1)),
            Field.real("algorithm.imaml_lambda", 1.0, Bound.above(0)),
            Field.integer("algorithm.lora_rank", 4, Bound.atLeast(1)),
            Field.integer("algorithm.adapter_size", 16, Bound.atLeast(1)),

            Field.integer("train.iterations", 100, Bound.atLeast(1)),
            Field.integer("train.warmup", 3, Bound.atLeast(0)),
            Field.integer("train.val_every", 0, Bound.atLeast(0)), // 0: no learning curve
            Field.integer("train.val_episodes", TrainSpec.DEFAULT_VAL_EPISODES, Bound.atLeast(1)),
            new Field("train.until", Kind.REAL, null, Bound.above(0), null), // default: train every iteration

            Field.integer("eval.episodes", 100, Bound.atLeast(1)),
            new Field("eval.seed", Kind.LONG, 1000L, null, null),
            Field.name("eval.dataset", null, Names.catalog("dataset", Catalog.DATASETS)), // default: the trial's dataset
            Field.name("eval.split", EvalSpec.TEST, Names.fixed("split", EvalSpec.TEST, EvalSpec.VAL)));

    /**
     * The hyperparameters learners declare beyond the table's {@code algorithm} keys ({@link Hyperparameter#defaultValue}),
     * one field per key (its first declaration).
     */
    static final List<Field> LEARNER_OPTIONS = Components.learners().stream().flatMap(l -> l.hyperparameters().stream())
            .filter(h -> h.defaultValue() != null && COMPONENT_FIELDS.stream().noneMatch(f -> f.path().equals("algorithm." + h.key())))
            .map(Hyperparameter::key).distinct().map(key -> Field.of(AlgorithmSpec.declared(key).orElseThrow())).toList();

    /**
     * The table: the keys above, the learners' own hyperparameters, then {@code techniques.<key>} for each registered
     * technique ({@link Components}).
     */
    static final List<Field> FIELDS = Stream.of(COMPONENT_FIELDS.stream(), LEARNER_OPTIONS.stream(),
            Components.techniques().stream().map(Field::of)).flatMap(f -> f).toList();

    /** Per-trial worker timeout, a top-level key of the suite. */
    static final Field TIMEOUT = Field.integer("timeout_s", 7200, Bound.atLeast(1));

    private Schema() {
    }

    static Optional<Field> field(String path) {
        return FIELDS.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** The sections, in table order. */
    static Set<String> sections() {
        Set<String> sections = new LinkedHashSet<>();
        FIELDS.stream().map(Field::section).filter(s -> !s.isEmpty()).forEach(sections::add);
        return sections;
    }

    /** The keys of {@code section} (or the top-level keys for ""), in table order. */
    static List<String> keysOf(String section) {
        return FIELDS.stream().filter(f -> f.section().equals(section)).map(Field::key).toList();
    }

    /** "unknown key 'wyas'; did you mean 'ways'?" or the list of valid keys. */
    static String unknownKey(String key, List<String> valid) {
        return NearestName.among(key, valid)
                .map(near -> "unknown key '" + key + "'; did you mean '" + near + "'?")
                .orElse("unknown key '" + key + "'; valid keys: " + String.join(", ", valid));
    }

    private static Object asInteger(YamlNode node, boolean asInt) {
        if (node instanceof Scalar s && s.value() instanceof Number n && !(n instanceof Double)) {
            BigInteger big = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
            if (big.bitLength() < (asInt ? 32 : 64)) {
                return asInt ? (Object) big.intValue() : (Object) big.longValue();
            }
        }
        return null;
    }

    /** Why {@code node} is no integer of the field's range: out of range (named with the limit), or not a whole number. */
    private static String notAnInteger(YamlNode node, boolean asInt, String expected) {
        if (node instanceof Scalar s && s.value() instanceof Number n && !(n instanceof Double)) {
            return "integer " + s.text() + " is out of range: this key holds at most " + (asInt ? Integer.MAX_VALUE : Long.MAX_VALUE)
                    + (asInt ? " (2^31 - 1)" : " (2^63 - 1)");
        }
        return "expected " + expected + ", got " + node.describe();
    }

    private static Double asReal(YamlNode node) {
        if (node instanceof Scalar s && s.value() instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        return null;
    }

    /** Strings, and numbers taken as written (size: 7b and size: 12 are both names). */
    private static String asText(YamlNode node) {
        if (node instanceof Scalar s && (s.value() instanceof String || s.value() instanceof Number)) {
            return s.text();
        }
        return null;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}

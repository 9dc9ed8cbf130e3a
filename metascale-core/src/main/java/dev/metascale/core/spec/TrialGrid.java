package dev.metascale.core.spec;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.LearnerDescriptor;
import dev.metascale.core.component.LearnerDescriptor.Capability;
import dev.metascale.core.component.Modality;
import dev.metascale.core.component.ModelDescriptor;
import dev.metascale.core.component.TechniqueDescriptor;
import dev.metascale.core.component.TechniqueDescriptor.Constraint;
import dev.metascale.core.spec.YamlNode.Position;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Expands validated defaults and sweep axes into trials: the cartesian product of the axes in file
 * order (last axis fastest), each combination applied over the defaults, checked against the
 * {@link #RULES} (and the techniques' constraints) that span several keys, resolved into a {@link TrialSpec}; seeds outermost.
 */
final class TrialGrid {

    /**
     * A value for one schema path and where it came from: {@code node} is null for a schema
     * default, {@code key} the dotted key to report problems under, {@code swept} true when the
     * value comes from the sweep.
     */
    record Setting(Object value, YamlNode node, String key, boolean swept) {
        boolean valid() {
            return value != Schema.INVALID;
        }

        String shown() {
            return node == null ? String.valueOf(value) : node.render();
        }
    }

    /** One value of a sweep axis: the paths it sets, and where it is written. */
    record Choice(String label, Position at, String key, Map<String, Setting> settings) {
    }

    /** One sweep key with its values, in file order. */
    record Axis(String key, Position keyAt, List<Choice> choices) {
    }

    /** A problem that spans several keys of one resolved configuration (the same type as a technique's rules). */
    private static Constraint rule(List<String> paths, Predicate<TechniqueDescriptor.Settings> violated,
                                   Function<TechniqueDescriptor.Settings, String> reason) {
        return new Constraint(paths, violated, reason);
    }

    // What each rule knows of the components comes from their descriptors (Components), never from a copied list.
    /** Data sets whose tasks are language modelling, one language per episode, and the models that read them. */
    private static final List<String> LANGUAGE_MODEL_DATA = Components.datasetsHolding(Modality.CHARACTER_WINDOWS);
    private static final List<String> LANGUAGE_MODELS = Components.modelsReading(Modality.CHARACTER_WINDOWS);
    /** Learners with a language-model case. */
    private static final List<String> LANGUAGE_MODEL_LEARNERS = Components.learnersThat(Capability.LANGUAGE_MODEL);
    /** Data sets of token sequences and the models that read them. */
    private static final List<String> TOKEN_DATASETS = Components.datasetsHolding(Modality.TOKENS);
    private static final List<String> TOKEN_MODELS = Components.modelsReading(Modality.TOKENS);

    private static boolean languageModel(String dataset) {
        return LANGUAGE_MODEL_DATA.contains(dataset);
    }

    /** Why a learner does not adapt a language model. */
    private static String notForLanguageModels(String algorithm) {
        String why = Components.learner(algorithm).map(LearnerDescriptor::notForLanguageModels).orElse(algorithm);
        return why + "; for " + String.join(", ", LANGUAGE_MODEL_DATA) + " use one of " + String.join(", ", LANGUAGE_MODEL_LEARNERS);
    }

    /** The most frozen layers of a model (0: frozen_layers does not apply to it). */
    private static int maxFrozenLayers(String arch) {
        return Components.model(arch).map(ModelDescriptor::maxFrozenLayers).orElse(0);
    }

    private static List<String> frozenLayerModels() {
        return Components.models().stream().filter(m -> m.maxFrozenLayers() > 0).map(ModelDescriptor::name).toList();
    }

    private static final List<Constraint> RULES = List.of(
            rule(List.of("sampler.ways", "dataset"),
                    c -> !languageModel(c.text("dataset")) && c.integer("sampler.ways") < 2,
                    c -> c.text("dataset") + " episodes classify among their ways: ways must be >= 2, got " + c.integer("sampler.ways")
                            + " (ways: 1 is for the language-model data set udhr)"),
            rule(List.of("sampler.ways", "dataset"),
                    c -> languageModel(c.text("dataset")) && c.integer("sampler.ways") != 1,
                    c -> c.text("dataset") + " episodes are language-model tasks of one language each: use ways: 1 (shots = support"
                            + " windows, query = query windows), got ways " + c.integer("sampler.ways")),
            rule(List.of("sampler.kind", "dataset"),
                    c -> languageModel(c.text("dataset")) && !"fixed".equals(c.text("sampler.kind")),
                    c -> c.text("dataset") + " episodes are one language each, with a fixed number of windows: use sampler.kind fixed,"
                            + " not " + c.text("sampler.kind")),
            rule(List.of("model.arch", "dataset"),
                    c -> languageModel(c.text("dataset")) != LANGUAGE_MODELS.contains(c.text("model.arch")),
                    c -> languageModel(c.text("dataset"))
                            ? c.text("dataset") + " is language-model data (character windows): use model.arch "
                                    + String.join(" or ", LANGUAGE_MODELS) + ", not " + c.text("model.arch")
                            : c.text("model.arch") + " is a character language model: use it with the data set "
                                    + String.join(" or ", LANGUAGE_MODEL_DATA) + ", not " + c.text("dataset")),
            rule(List.of("algorithm.name", "dataset"),
                    c -> languageModel(c.text("dataset")) && !LANGUAGE_MODEL_LEARNERS.contains(c.text("algorithm.name")),
                    c -> notForLanguageModels(c.text("algorithm.name"))),
            rule(List.of("train.until", "train.val_every"),
                    c -> c.optionalReal("train.until") != null && c.integer("train.val_every") == 0,
                    c -> "train.until is a target validation score, checked on the learning curve: set train.val_every (e.g. "
                            + Math.max(1, c.integer("train.iterations") / 10) + ") so the target can be seen"),
            rule(List.of("train.until", "dataset"),
                    c -> c.optionalReal("train.until") != null && !languageModel(c.text("dataset")) && c.optionalReal("train.until") > 1,
                    c -> "train.until " + c.optionalReal("train.until") + " is no accuracy: give the target as a fraction (0.9 for 90 %)"),
            rule(List.of("eval.dataset", "dataset"),
                    c -> c.text("eval.dataset") != null && languageModel(c.text("eval.dataset")) != languageModel(c.text("dataset")),
                    c -> "cross-domain evaluation needs the same kind of task on both sides: " + c.text("dataset") + " and "
                            + c.text("eval.dataset") + " are not both language-model (or both classification) data sets"),
            rule(List.of("dataset", "model.arch"),
                    c -> TOKEN_DATASETS.contains(c.text("dataset")) && !TOKEN_MODELS.contains(c.text("model.arch")),
                    c -> "data set " + c.text("dataset") + " holds texts (token sequences), which model " + c.text("model.arch")
                            + " cannot read; use model.arch: " + String.join(" or ", TOKEN_MODELS)),
            rule(List.of("model.arch", "dataset"),
                    c -> TOKEN_MODELS.contains(c.text("model.arch")) && !TOKEN_DATASETS.contains(c.text("dataset")),
                    c -> "model " + c.text("model.arch") + " reads texts (token sequences), but data set " + c.text("dataset")
                            + " does not hold them; use it with " + String.join(", ", TOKEN_DATASETS)),
            rule(List.of("eval.dataset", "dataset"),
                    c -> TOKEN_DATASETS.contains(c.text("eval.dataset")) != TOKEN_DATASETS.contains(c.text("dataset")),
                    c -> "eval.dataset " + c.text("eval.dataset") + " and dataset " + c.text("dataset") + " hold different kinds"
                            + " of examples (texts vs. images), so one model cannot read both; evaluate on a data set of the same kind"),
            rule(List.of("model.frozen_layers", "model.arch"),
                    c -> c.integer("model.frozen_layers") > maxFrozenLayers(c.text("model.arch")),
                    c -> maxFrozenLayers(c.text("model.arch")) > 0
                            ? c.text("model.arch") + " has " + (maxFrozenLayers(c.text("model.arch")) + 1) + " Transformer layers"
                                    + " and at least the top one is learnt: frozen_layers must be 0.."
                                    + maxFrozenLayers(c.text("model.arch")) + ", got " + c.integer("model.frozen_layers")
                            : "frozen_layers applies to the pretrained model " + String.join(", ", frozenLayerModels()) + " only, not "
                                    + c.text("model.arch") + "; remove it"),
            rule(List.of("train.warmup", "train.iterations"),
                    c -> c.integer("train.warmup") >= c.integer("train.iterations"),
                    c -> "warmup (" + c.integer("train.warmup") + ") must be less than iterations ("
                            + c.integer("train.iterations") + "); lower warmup or raise iterations"),
            rule(List.of("algorithm.inner_steps", "algorithm.name"),
                    c -> c.integer("algorithm.inner_steps") < 1 && Components.learnersThat(Capability.INNER_LOOP)
                            .contains(c.text("algorithm.name")),
                    c -> c.text("algorithm.name") + " needs inner_steps >= 1 (it adapts in the inner loop), got "
                            + c.integer("algorithm.inner_steps")),
            rule(List.of("sampler.kind", "algorithm.name"),
                    c -> "meta-dataset".equals(c.text("sampler.kind"))
                            && !Components.learnersThat(Capability.VARIABLE_WAYS).contains(c.text("algorithm.name")),
                    c -> c.text("algorithm.name") + " learns a classifier head of a fixed number of ways, but the meta-dataset"
                            + " sampler draws a different number of ways per episode; use sampler.kind fixed or imbalanced,"
                            + " or algorithm " + String.join(" or ", Components.learnersThat(Capability.VARIABLE_WAYS))));

    /** The grid's rules, then each registered technique's ({@link TechniqueDescriptor#constraints}). */
    private static final List<Constraint> ALL_RULES = java.util.stream.Stream.concat(RULES.stream(),
            Components.techniques().stream().flatMap(t -> t.constraints().stream())).toList();

    /** Largest number of trials a suite may expand to. */
    static final int MAX_TRIALS = 10_000;

    private final String suite;
    private final int timeoutS;
    private final Map<String, Setting> defaults;
    private final Position defaultsAt;
    private final List<Axis> axes;
    private final Problems problems;

    /**
     * @param defaults   the settings of {@code defaults}, by schema path (unset paths take the
     *                   schema default)
     * @param defaultsAt where problems with no better place are reported
     */
    TrialGrid(String suite, int timeoutS, Map<String, Setting> defaults, Position defaultsAt, List<Axis> axes, Problems problems) {
        this.suite = suite;
        this.timeoutS = timeoutS;
        this.defaults = defaults;
        this.defaultsAt = defaultsAt;
        this.axes = axes;
        this.problems = problems;
    }

    /**
     * The trials, seeds outermost; empty when a problem was found (reported to {@link Problems}).
     */
    List<TrialSpec> expand(List<Long> seeds, Position sweepAt) {
        if (axes.stream().anyMatch(a -> a.choices().isEmpty())) {
            return List.of();
        }
        long size = axes.stream().mapToLong(a -> a.choices().size()).reduce(1, (x, y) -> Math.min(x * y, Integer.MAX_VALUE));
        if (size * seeds.size() > MAX_TRIALS) {
            problems.add(sweepAt, "sweep", "the grid expands to " + size + " configurations x " + seeds.size()
                    + " seeds, more than the limit of " + MAX_TRIALS + " trials; split the suite");
            return List.of();
        }
        List<TrialSpec> grid = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        int[] index = new int[axes.size()];
        do {
            Config config = configuration(index);
            for (Constraint rule : ALL_RULES) {
                if (config.valid(rule.paths()) && rule.violated().test(config)) {
                    report(config, rule);
                }
            }
            if (config.valid(config.settings.keySet())) {
                grid.add(config.toTrial(suite, timeoutS, seeds.get(0)));
                positions.add(index.clone());
            }
        } while (advance(index));
        if (!problems.isEmpty()) {
            return List.of();
        }
        rejectDuplicates(grid, positions);
        List<TrialSpec> trials = new ArrayList<>();
        for (long seed : seeds) {
            grid.forEach(trial -> trials.add(trial.withSeed(seed)));
        }
        return trials;
    }

    private Config configuration(int[] index) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (Schema.Field field : Schema.FIELDS) {
            if (field.defaultValue() != null) {
                settings.put(field.path(), new Setting(field.defaultValue(), null, "defaults." + field.path(), false));
            }
        }
        settings.putAll(defaults);
        for (int a = 0; a < axes.size(); a++) {
            settings.putAll(axes.get(a).choices().get(index[a]).settings());
        }
        settings.putIfAbsent("algorithm.eval_inner_steps", settings.get("algorithm.inner_steps"));
        settings.putIfAbsent("eval.dataset", settings.get("dataset"));
        return new Config(settings);
    }

    /** Next combination, last axis fastest; false after the last one. */
    private boolean advance(int[] index) {
        for (int a = index.length - 1; a >= 0; a--) {
            if (++index[a] < axes.get(a).choices().size()) {
                return true;
            }
            index[a] = 0;
        }
        return false;
    }

    /**
     * Reports at the first involved value that comes from the sweep, else at the first one written
     * in {@code defaults}; names the combination when the sweep is involved.
     */
    private void report(Config config, Constraint rule) {
        List<Setting> involved = rule.paths().stream().map(config.settings::get).toList();
        Setting blamed = involved.stream().filter(Setting::swept).findFirst()
                .orElse(involved.stream().filter(s -> s.node() != null).findFirst().orElse(null));
        String reason = rule.reason().apply(config);
        if (involved.stream().anyMatch(Setting::swept)) {
            reason += " (sweep combination: " + rule.paths().stream()
                    .map(p -> p + "=" + config.settings.get(p).shown()).collect(Collectors.joining(", ")) + ")";
        }
        if (blamed == null) {
            problems.add(defaultsAt, "defaults." + rule.paths().get(0), reason);
        } else {
            problems.add(blamed.node().at(), blamed.key(), reason);
        }
    }

    private void rejectDuplicates(List<TrialSpec> grid, List<int[]> positions) {
        Map<String, Integer> firstById = new HashMap<>();
        for (int i = 0; i < grid.size(); i++) {
            Integer first = firstById.putIfAbsent(grid.get(i).id(), i);
            if (first == null) {
                continue;
            }
            int[] earlier = positions.get(first);
            int[] later = positions.get(i);
            int axis = IntStream.range(0, later.length).filter(a -> later[a] != earlier[a]).findFirst().orElse(0);
            Choice blamed = axes.get(axis).choices().get(later[axis]);
            problems.add(blamed.at(), blamed.key(), "duplicate trial: sweep position " + describe(later)
                    + " gives the same trial as " + describe(earlier) + "; remove one of them");
        }
    }

    private String describe(int[] position) {
        return IntStream.range(0, position.length).mapToObj(a -> axes.get(a).choices().get(position[a]).label())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** One resolved configuration: a setting for every schema path. */
    private record Config(Map<String, Setting> settings) implements TechniqueDescriptor.Settings {
        boolean valid(Iterable<String> paths) {
            for (String path : paths) {
                Setting setting = settings.get(path);
                if (setting != null && !setting.valid()) { // absent: a key without a default the suite leaves out
                    return false;
                }
            }
            return true;
        }

        @Override
        public int integer(String path) {
            return (Integer) settings.get(path).value();
        }

        long longValue(String path) {
            return (Long) settings.get(path).value();
        }

        double real(String path) {
            return (Double) settings.get(path).value();
        }

        @Override
        public Double optionalReal(String path) {
            Setting setting = settings.get(path);
            return setting == null ? null : (Double) setting.value();
        }

        @Override
        public String text(String path) {
            return (String) settings.get(path).value();
        }

        @Override
        public boolean bool(String path) {
            return (Boolean) settings.get(path).value();
        }

        @SuppressWarnings("unchecked")
        List<Integer> integers(String path) {
            return (List<Integer>) settings.get(path).value();
        }

        /** The learners' own hyperparameters ({@link Schema#LEARNER_OPTIONS}) set away from their defaults, by key. */
        Map<String, Object> learnerOptions() {
            Map<String, Object> options = new LinkedHashMap<>();
            for (Schema.Field field : Schema.LEARNER_OPTIONS) {
                Object value = settings.get(field.path()).value();
                if (!value.equals(field.defaultValue())) {
                    options.put(field.key(), value);
                }
            }
            return options;
        }

        /** Every registered technique's setting, by key. */
        TechniqueSpec techniques() {
            Map<String, Object> byKey = new LinkedHashMap<>();
            Components.techniques().forEach(t -> byKey.put(t.key(), settings.get(t.path()).value()));
            return TechniqueSpec.of(byKey);
        }

        TrialSpec toTrial(String suite, int timeoutS, long seed) {
            return new TrialSpec(suite,
                    text("dataset"),
                    new SamplerSpec(text("sampler.kind"), integer("sampler.ways"), integer("sampler.shots"), integer("sampler.query"),
                            integer("sampler.min_shots"), integer("sampler.max_shots"), bool("sampler.skip_small_classes"), bool("sampler.within_group")),
                    new ModelSpec(text("model.arch"), text("model.size"), integers("model.hidden"), integer("model.channels"),
                            integer("model.frozen_layers")),
                    new AlgorithmSpec(text("algorithm.name"), real("algorithm.inner_lr"), integer("algorithm.inner_steps"),
                            integer("algorithm.eval_inner_steps"), real("algorithm.outer_lr"), integer("algorithm.meta_batch"),
                            integer("algorithm.cg_steps"), real("algorithm.imaml_lambda"), integer("algorithm.lora_rank"),
                            integer("algorithm.adapter_size"), learnerOptions()),
                    new TrainSpec(integer("train.iterations"), integer("train.warmup"), integer("train.val_every"),
                            integer("train.val_episodes"), optionalReal("train.until")),
                    new EvalSpec(integer("eval.episodes"), longValue("eval.seed"), text("eval.dataset"), text("eval.split")),
                    techniques(),
                    seed, timeoutS, text("fault"), DataSource.of(text("dataset"), text("eval.dataset"), System.getenv()));
        }
    }
}

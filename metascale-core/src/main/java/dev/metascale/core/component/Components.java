package dev.metascale.core.component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The registry of learners, models, data sets and scaling techniques: the built-in descriptors ({@link BuiltInLearners},
 * {@link BuiltInModels}, {@link BuiltInDatasets}, {@link BuiltInTechniques}) followed by those of every {@link ComponentSource} on the class
 * path. Validation, `metascale list`, the FLOP count and the engine's factories read it; nothing else keeps a
 * list of names or capabilities.
 */
public final class Components {
    private static final List<LearnerDescriptor> LEARNERS;
    private static final List<ModelDescriptor> MODELS;
    private static final List<DatasetDescriptor> DATASETS;
    private static final List<TechniqueDescriptor> TECHNIQUES;

    static {
        List<LearnerDescriptor> learners = new ArrayList<>(BuiltInLearners.ALL);
        List<ModelDescriptor> models = new ArrayList<>(BuiltInModels.ALL);
        List<DatasetDescriptor> datasets = new ArrayList<>(BuiltInDatasets.ALL);
        List<TechniqueDescriptor> techniques = new ArrayList<>(BuiltInTechniques.ALL);
        for (ComponentSource source : ServiceLoader.load(ComponentSource.class, Components.class.getClassLoader())) {
            learners.addAll(source.learners());
            models.addAll(source.models());
            datasets.addAll(source.datasets());
            techniques.addAll(source.techniques());
        }
        LEARNERS = unique("learner", learners, LearnerDescriptor::name);
        MODELS = unique("model", models, ModelDescriptor::name);
        DATASETS = unique("data set", datasets, DatasetDescriptor::name);
        TECHNIQUES = unique("technique", techniques, TechniqueDescriptor::key);
    }

    private Components() {
    }

    public static List<LearnerDescriptor> learners() {
        return LEARNERS;
    }

    public static List<ModelDescriptor> models() {
        return MODELS;
    }

    public static List<DatasetDescriptor> datasets() {
        return DATASETS;
    }

    /** The techniques, built-in ones first in the order of a suite's {@code techniques:} section. */
    public static List<TechniqueDescriptor> techniques() {
        return TECHNIQUES;
    }

    /** The technique set by {@code techniques.<key>}. */
    public static Optional<TechniqueDescriptor> technique(String key) {
        return TECHNIQUES.stream().filter(d -> d.key().equals(key)).findFirst();
    }

    /** Why activation checkpointing cannot apply to model {@code arch}, or null when the model exposes feature blocks. */
    public static String checkpointingRejection(String arch) {
        return BuiltInTechniques.checkpointingRejection(arch);
    }

    public static Optional<LearnerDescriptor> learner(String name) {
        return LEARNERS.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static Optional<ModelDescriptor> model(String name) {
        return MODELS.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static Optional<DatasetDescriptor> dataset(String name) {
        return DATASETS.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The names of the learners with {@code capability}, in registry order. */
    public static List<String> learnersThat(LearnerDescriptor.Capability capability) {
        return names(LEARNERS, d -> d.can(capability), LearnerDescriptor::name);
    }

    /** The names of the models that read {@code modality}. */
    public static List<String> modelsReading(Modality modality) {
        return names(MODELS, d -> d.reads() == modality, ModelDescriptor::name);
    }

    /** The names of the data sets that hold {@code modality}. */
    public static List<String> datasetsHolding(Modality modality) {
        return names(DATASETS, d -> d.holds() == modality, DatasetDescriptor::name);
    }

    /** Whether data set {@code name} holds {@code modality} (false for an unknown name). */
    public static boolean holds(String dataset, Modality modality) {
        return dataset(dataset).map(d -> d.holds() == modality).orElse(false);
    }

    /** Whether model {@code name} reads {@code modality} (false for an unknown name). */
    public static boolean reads(String model, Modality modality) {
        return model(model).map(d -> d.reads() == modality).orElse(false);
    }

    /** "a", "a and b", "a, b and c": names in a sentence. */
    public static String inWords(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private static <T> List<String> names(List<T> all, Predicate<T> filter, Function<T, String> name) {
        return all.stream().filter(filter).map(name).toList();
    }

    private static <T> List<T> unique(String noun, List<T> all, Function<T, String> name) {
        Map<String, T> byName = new LinkedHashMap<>();
        for (T d : all) {
            if (byName.putIfAbsent(name.apply(d), d) != null) {
                throw new IllegalStateException("two " + noun + "s are registered as '" + name.apply(d)
                        + "': rename one (check the ComponentSource entries under META-INF/services)");
            }
        }
        return List.copyOf(byName.values());
    }
}

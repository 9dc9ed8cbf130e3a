package dev.metascale.core.spec;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.TechniqueDescriptor;

import java.util.List;
import java.util.Optional;

/**
 * The names a suite may use (a contract: other people's suites rely on them), each with whether
 * this version implements it. Data sets, models and algorithms come from the component registry
 * ({@link Components}); samplers are listed here, precisions come from the precision technique's descriptor. A name that is known but not yet available is rejected at validation
 * with that reason instead of failing inside a worker.
 */
public final class Catalog {

    /** One named component. */
    public record Entry(String name, boolean available, String description) {
    }

    /** The data sets, models and algorithms of {@link Components}: every one of them is available. */
    public static final List<Entry> DATASETS = Components.datasets().stream()
            .map(d -> new Entry(d.name(), true, d.description())).toList();
    public static final List<Entry> SAMPLERS = List.of(
            new Entry("fixed", true, "N-way K-shot with Q queries per class"),
            new Entry("meta-dataset", true, "Meta-Dataset variable-way variable-shot (Triantafillou et al. 2019)"),
            new Entry("imbalanced", true, "FLEX-style: ways classes, min_shots..max_shots shots each (default 1-5)"));

    public static final List<Entry> MODELS = Components.models().stream()
            .map(d -> new Entry(d.name(), true, d.description())).toList();

    public static final List<Entry> ALGORITHMS = Components.learners().stream()
            .map(d -> new Entry(d.name(), true, d.description())).toList();

    /** The scaling techniques, by their key under {@code techniques:}. */
    public static final List<Entry> TECHNIQUES = Components.techniques().stream()
            .map(t -> new Entry(t.key(), true, t.description())).toList();

    /** The choices of {@code techniques.precision}, from its descriptor. */
    public static final List<Entry> PRECISIONS = entries(Components.technique("precision").orElseThrow().setting().choices());

    private Catalog() {
    }

    /** The entries of a technique's named choices. */
    static List<Entry> entries(List<TechniqueDescriptor.Choice> choices) {
        return choices.stream().map(c -> new Entry(c.name(), c.available(), c.description())).toList();
    }

    public static Optional<Entry> find(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}

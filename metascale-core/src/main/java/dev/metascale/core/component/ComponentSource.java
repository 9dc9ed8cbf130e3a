package dev.metascale.core.component;

import java.util.List;

/**
 * Components from outside this module: a class implementing this, listed in
 * {@code META-INF/services/dev.metascale.core.component.ComponentSource} on the class path, adds its
 * descriptors to {@link Components} (the engine binds its factory: {@code dev.metascale.engine.learn.LearnerPlugin},
 * {@code dev.metascale.engine.technique.TechniquePlugin}).
 */
public interface ComponentSource {
    default List<LearnerDescriptor> learners() {
        return List.of();
    }

    default List<ModelDescriptor> models() {
        return List.of();
    }

    default List<DatasetDescriptor> datasets() {
        return List.of();
    }

    /** Techniques: each adds a {@code techniques.<key>} setting to the suite schema, with its rules. */
    default List<TechniqueDescriptor> techniques() {
        return List.of();
    }
}

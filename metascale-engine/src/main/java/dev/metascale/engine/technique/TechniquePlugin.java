package dev.metascale.engine.technique;

import dev.metascale.core.component.ComponentSource;
import dev.metascale.core.component.TechniqueDescriptor;

import java.util.List;

/**
 * A technique added from outside the built-ins, in one file: a class implementing this (with a public no-argument
 * constructor) gives the descriptor that the suite schema and validation read ({@code techniques.<key>}, its type,
 * default and rules) and the back-propagation the worker applies when a trial sets it. Register it with one line, its
 * class name, in {@code META-INF/services/dev.metascale.core.component.ComponentSource}.
 */
public interface TechniquePlugin extends ComponentSource, BackwardTechnique {
    TechniqueDescriptor descriptor();

    @Override
    default List<TechniqueDescriptor> techniques() {
        return List.of(descriptor());
    }
}

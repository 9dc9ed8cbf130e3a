package dev.metascale.engine.learn;

import dev.metascale.core.component.ComponentSource;
import dev.metascale.core.component.LearnerDescriptor;

import java.util.List;

/**
 * A learner added from outside the built-ins, in one file: a class implementing this (with a public no-argument
 * constructor) gives the descriptor that validation, `metascale list` and the FLOP count read, and the factory the
 * worker calls. Register it with one line, its class name, in
 * {@code META-INF/services/dev.metascale.core.component.ComponentSource}.
 */
public interface LearnerPlugin extends ComponentSource, LearnerFactory {
    LearnerDescriptor descriptor();

    @Override
    default List<LearnerDescriptor> learners() {
        return List.of(descriptor());
    }
}

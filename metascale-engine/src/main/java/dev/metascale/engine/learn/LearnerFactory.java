package dev.metascale.engine.learn;

/** Builds one learner; {@link Learners} binds one to each {@link dev.metascale.core.component.LearnerDescriptor}. */
@FunctionalInterface
public interface LearnerFactory {
    MetaLearner create(LearnerContext context);
}

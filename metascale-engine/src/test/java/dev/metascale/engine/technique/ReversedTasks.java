package dev.metascale.engine.technique;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.LearnerDescriptor.Capability;
import dev.metascale.core.component.TechniqueDescriptor;
import dev.metascale.core.component.TechniqueDescriptor.Constraint;
import dev.metascale.core.component.TechniqueDescriptor.Setting;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A toy technique added the way a user adds one: this one file and its class name in
 * {@code META-INF/services/dev.metascale.core.component.ComponentSource} (test resources). {@code reverse_tasks: true}
 * back-propagates the meta-batch's tasks last to first, one at a time: the same meta-gradient in another order.
 */
public final class ReversedTasks implements TechniquePlugin {
    public static final String KEY = "reverse_tasks";
    /** Steps this technique back-propagated (tests check it was the one applied). */
    static final AtomicInteger STEPS = new AtomicInteger();

    @Override
    public TechniqueDescriptor descriptor() {
        return new TechniqueDescriptor(KEY, "test: the meta-batch back-propagated last task first", Setting.flag(), List.of(
                new Constraint(List.of("techniques." + KEY, "algorithm.name"),
                        c -> c.bool("techniques." + KEY) && !Components.learnersThat(Capability.META_LOSS).contains(c.text("algorithm.name")),
                        c -> "reverse_tasks reorders a meta-loss's tasks; " + c.text("algorithm.name") + " has none: remove reverse_tasks"),
                new Constraint(List.of("techniques." + KEY, "techniques.chunk", "techniques.parallel_tasks", "techniques.checkpointing"),
                        c -> c.bool("techniques." + KEY) && (c.integer("techniques.chunk") > 0
                                || c.integer("techniques.parallel_tasks") > 1 || c.integer("techniques.checkpointing") > 0),
                        c -> "reverse_tasks back-propagates task by task: use it without chunk, parallel_tasks and checkpointing")));
    }

    @Override
    public <T> double backward(List<T> tasks, ParamSet params, Function<T, Tensor> loss, Object setting) {
        List<T> reversed = new ArrayList<>(tasks);
        Collections.reverse(reversed);
        STEPS.incrementAndGet();
        return TaskChunks.backward(reversed, 1, loss);
    }
}

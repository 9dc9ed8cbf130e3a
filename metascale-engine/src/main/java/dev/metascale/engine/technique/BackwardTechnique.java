package dev.metascale.engine.technique;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.function.Function;

/**
 * A technique's engine half: how the tasks of a meta-objective (1/B) Σ_T loss_T are back-propagated into the
 * {@code .grad} of the meta-parameters. {@link GradientStrategy} hands it the tasks and each task's loss (with its
 * whole graph); it decides the order, grouping, threads or devices. The meta-gradient it leaves must be the one plain
 * back-propagation leaves, within floating-point tolerance (a test per technique checks this).
 */
@FunctionalInterface
public interface BackwardTechnique {
    /**
     * Accumulates ∇θ (1/B) Σ_T loss_T into {@code params}' {@code .grad}; returns the mean loss.
     *
     * @param setting the trial's value of the technique's setting (never its default: then it is not applied)
     */
    <T> double backward(List<T> tasks, ParamSet params, Function<T, Tensor> loss, Object setting);
}

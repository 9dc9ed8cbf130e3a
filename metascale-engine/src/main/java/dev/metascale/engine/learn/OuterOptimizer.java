package dev.metascale.engine.learn;

import dev.metascale.engine.dist.DataParallel;
import dev.metascale.engine.technique.LossScaler;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;

/**
 * Adam (Kingma and Ba 2015) on the meta-parameters: the outer loop of every learner. In a
 * data-parallel trial the accumulated meta-gradients are averaged over the ranks (one flat
 * all-reduce, {@link DataParallel#allReduceGradients}) before the step, so every rank takes the
 * same step from the same parameters.
 */
final class OuterOptimizer {
    private final ParamSet params;
    private boolean stepped;
    private final Adam adam;
    private final java.util.Optional<DataParallel> group;

    /** @param group the data-parallel group whose ranks average the gradients before each step; empty in one process */
    OuterOptimizer(ParamSet params, double lr, java.util.Optional<DataParallel> group) {
        this.params = params;
        this.group = group;
        adam = new Adam(params.vector(), new AdamOptions(lr));
        adam.retainReference();
    }

    /**
     * Single process: the gradients are released (set to none). Data-parallel: they are zeroed in place as views
     * of the group's flat bucket ({@link DataParallel#zeroGradients}), which back-propagation accumulates into
     * and the all-reduce then reduces without copying.
     */
    void zeroGrad() {
        if (group.isPresent()) {
            group.get().zeroGradients(params);
        } else {
            adam.zero_grad(true);
        }
    }

    /**
     * The gradient {@code accumulate} leaves in {@code .grad}, copied out, with {@code .grad} released before and after:
     * what a step would apply, without stepping.
     */
    java.util.List<org.bytedeco.pytorch.Tensor> gradientOf(Runnable accumulate) {
        zeroGrad();
        accumulate.run();
        java.util.List<org.bytedeco.pytorch.Tensor> g = MetaLearner.gradientsOf(params);
        zeroGrad();
        LossScaler scaler = LossScaler.current();
        if (scaler.active()) { // fp16: .grad held S·∇
            org.bytedeco.pytorch.Scalar inverse = new org.bytedeco.pytorch.Scalar(1.0 / scaler.scale());
            g = g.stream().map(t -> t.mul(inverse)).toList();
        }
        return g;
    }

    /**
     * Adam's step on the accumulated gradients, averaged over the ranks first. Under fp16 the gradients hold S·∇: the
     * loss scaler divides them by S and, when one is not finite, the step is skipped (the scale backs off). The
     * check follows the all-reduce, so every rank sees the same gradients and takes the same decision.
     *
     * @return whether the step was taken
     */
    boolean step() {
        group.ifPresent(dp -> dp.allReduceGradients(params));
        if (!LossScaler.current().unscaleAndUpdate(params.tensors())) {
            zeroGrad();
            return false;
        }
        adam.step();
        stepped = true;
        return true;
    }

    /**
     * Bytes of Adam's state: none before the first step; after it, exp_avg and exp_avg_sq per parameter (libtorch's
     * AdamParamState allocates both, parameter-shaped, at the first step; amsgrad is off).
     */
    long stateBytes() {
        return stepped ? 2 * params.bytes() : 0;
    }
}

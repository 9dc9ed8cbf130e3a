package dev.metascale.engine.learn;

import dev.metascale.engine.dist.DataParallel;
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
        return g;
    }

    void step() {
        group.ifPresent(dp -> dp.allReduceGradients(params));
        adam.step();
        stepped = true;
    }

    /**
     * Bytes of Adam's state: none before the first step; after it, exp_avg and exp_avg_sq per parameter (libtorch's
     * AdamParamState allocates both, parameter-shaped, at the first step; amsgrad is off).
     */
    long stateBytes() {
        return stepped ? 2 * params.bytes() : 0;
    }
}

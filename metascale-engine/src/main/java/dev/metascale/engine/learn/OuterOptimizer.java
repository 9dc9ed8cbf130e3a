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
    /** Adam's state of the optimisers of this process that have stepped: exp_avg and exp_avg_sq per parameter. */
    private static final java.util.concurrent.atomic.AtomicLong STEPPED_STATE_BYTES = new java.util.concurrent.atomic.AtomicLong();

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

    void step() {
        group.ifPresent(dp -> dp.allReduceGradients(params));
        adam.step();
        if (!stepped) {
            stepped = true;
            // libtorch's AdamParamState allocates exp_avg and exp_avg_sq (parameter-shaped, amsgrad off) at the first step
            STEPPED_STATE_BYTES.addAndGet(2 * params.bytes());
        }
    }

    /**
     * Bytes of outer-optimiser state alive in this worker (every optimiser that has taken a step; a worker runs one
     * trial): the resident part of the tensors a profiled window does not see allocated.
     */
    static long steppedStateBytes() {
        return STEPPED_STATE_BYTES.get();
    }
}

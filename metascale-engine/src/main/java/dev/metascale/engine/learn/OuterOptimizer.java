package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;

/** Adam (Kingma and Ba 2015) on the meta-parameters: the outer loop of every learner. */
final class OuterOptimizer {
    private final Adam adam;

    OuterOptimizer(ParamSet params, double lr) {
        adam = new Adam(params.vector(), new AdamOptions(lr));
        adam.retainReference();
    }

    void zeroGrad() {
        adam.zero_grad(true);
    }

    void step() {
        adam.step();
    }
}

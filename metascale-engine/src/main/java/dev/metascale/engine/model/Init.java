package dev.metascale.engine.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Weight initialisers (drawn from libtorch's global generator, which the caller seeds). */
final class Init {
    private Init() {
    }

    /** He-normal: N(0, 2 / fanIn), for layers followed by ReLU. */
    static Tensor heNormal(long[] shape, long fanIn, torch.ScalarType dtype) {
        return torch.randn(shape, dev.metascale.engine.torch.TrialDevice.options(dtype)).mul_(new org.bytedeco.pytorch.Scalar(Math.sqrt(2.0 / fanIn)));
    }

    static Tensor uniform(long[] shape, double bound, torch.ScalarType dtype) {
        return torch.rand(shape, dev.metascale.engine.torch.TrialDevice.options(dtype)).mul_(new org.bytedeco.pytorch.Scalar(2 * bound))
                .sub_(new org.bytedeco.pytorch.Scalar(bound));
    }

    static Tensor constant(long[] shape, double value, torch.ScalarType dtype) {
        return torch.full(shape, new org.bytedeco.pytorch.Scalar(value), dev.metascale.engine.torch.TrialDevice.options(dtype));
    }

    /** Marks a freshly made tensor as a parameter: requires grad and outlives any pointer scope. */
    static Tensor leaf(Tensor t) {
        t.requires_grad_(true);
        t.retainReference();
        return t;
    }
}

package dev.metascale.engine.learn;

import dev.metascale.engine.technique.LossScaler;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Plain gradient steps on a ParamSet, the inner loop shared by the learners and the baselines. */
final class InnerSgd {
    private InnerSgd() {
    }

    /** ∇_p loss for every tensor of {@code p}; with {@code createGraph} the gradients can be differentiated again. */
    static List<Tensor> gradients(Tensor loss, ParamSet p, boolean createGraph) {
        return LossScaler.current().innerGradient(loss, p.vector(), createGraph, false); // fp16: (1/S) ∇(S·loss)
    }

    /**
     * One step p − lr·∇_p loss. Differentiable: the result is a function of p (second order through
     * the step). Otherwise the result is a fresh leaf that requires grad, cut from p's graph.
     */
    static ParamSet step(ParamSet p, Tensor loss, double lr, boolean differentiable) {
        if (differentiable) {
            return differentiableStep(p, loss, lr);
        }
        List<Tensor> grads = gradients(loss, p, false);
        Scalar alpha = new Scalar(lr);
        List<Tensor> next = new ArrayList<>(p.size());
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int i = 0; i < p.size(); i++) {
                next.add(p.tensors().get(i).sub(grads.get(i), alpha));
            }
        }
        next.forEach(t -> t.requires_grad_(true));
        return p.withTensors(next);
    }

    /**
     * The second-order inner step of MAML (Finn et al. 2017, eq. 1), p − lr·∇_p loss as a differentiable
     * function of p, computed as {@code p.add(g, −lr)}. The value is bitwise that of {@code p.sub(g, lr)}
     * (libtorch implements sub as add with the negated alpha), but in the meta-backward pass
     * {@code SubBackward} forms −grad and then multiplies by lr (two kernels over every parameter), while
     * {@code AddBackward} multiplies by −lr once; the product is the same bits (negation is exact).
     */
    static ParamSet differentiableStep(ParamSet p, Tensor loss, double lr) {
        LossScaler scaler = LossScaler.current();
        if (scaler.active()) { // fp16: g = ∇(S·loss), and the step p − (lr/S)·g, one kernel per tensor as below
            return addScaled(p, scaler.innerGradientScaled(loss, p.vector()), -lr / scaler.scale());
        }
        TensorVector g = torch.grad(new TensorVector(loss), p.vector(), new TensorVector(), new BoolOptional(true), true, false);
        Scalar minusLr = new Scalar(-lr);
        List<Tensor> next = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            next.add(p.tensors().get(i).add(g.get(i), minusLr)); // get(i) is a view into g: used here only
        }
        java.lang.ref.Reference.reachabilityFence(g);
        return p.withTensors(next);
    }

    /** p + alpha·g, differentiable in p and g. */
    private static ParamSet addScaled(ParamSet p, List<Tensor> g, double alpha) {
        Scalar a = new Scalar(alpha);
        List<Tensor> next = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            next.add(p.tensors().get(i).add(g.get(i), a));
        }
        return p.withTensors(next);
    }

    /** One non-differentiable step p − lr·g with given gradients: fresh leaves that require grad. */
    static ParamSet step(ParamSet p, List<Tensor> grads, double lr) {
        Scalar alpha = new Scalar(lr);
        List<Tensor> next = new ArrayList<>(p.size());
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int i = 0; i < p.size(); i++) {
                next.add(p.tensors().get(i).sub(grads.get(i), alpha));
            }
        }
        next.forEach(t -> t.requires_grad_(true));
        return new ParamSet(p.names(), next);
    }

    /** Detached copies of p that require grad (per-episode fast weights, not retained beyond the scope). */
    static ParamSet detachedLeaves(ParamSet p) {
        return p.map((name, t) -> t.detach().clone().requires_grad_(true));
    }

    /** Detached views of p that do not require grad (frozen weights). */
    static ParamSet frozen(ParamSet p) {
        return p.map((name, t) -> t.detach());
    }
}

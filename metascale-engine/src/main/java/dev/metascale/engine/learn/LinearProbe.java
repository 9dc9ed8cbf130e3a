package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The linear-probe baseline: conventional pre-training ({@link PretrainedBaseline}), then per
 * episode a multinomial logistic regression on the frozen features of the support set,
 * <pre>  W ← W − α ∇_W [ CE(W z + b, y) + (μ/2) ‖W‖² ],   z = f_{θ_b}(x_support) fixed,  from W = 0, b = 0</pre>
 * with {@code eval_inner_steps} full-batch steps and μ = {@value #L2} (the "linear evaluation
 * protocol" of representation learning, e.g. Kolesnikov et al. 2019; the few-shot "Baseline" of
 * Chen et al., ICLR 2019, and Tian et al., ECCV 2020). The features are computed once per episode,
 * so each step costs only the head. The loss is convex: enough steps reach its minimum.
 */
public final class LinearProbe extends PretrainedBaseline {
    /** L2 penalty μ on the probe's weights. */
    public static final double L2 = 1e-3;

    /** @param params backbone plus a head over all meta-train classes */
    public LinearProbe(Model model, ParamSet params, double lr, int steps, double outerLr) {
        this(model, params, lr, steps, outerLr, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of the pre-training gradient */
    public LinearProbe(Model model, ParamSet params, double lr, int steps, double outerLr, TrainingTechniques techniques) {
        super(model, params, lr, steps, outerLr, techniques);
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        Tensor support;
        Tensor query;
        try (NoGradGuard guard = new NoGradGuard()) {
            support = model.features(params, episode.supportX());
            query = model.features(params, episode.queryX());
        }
        ParamSet head = newHead(episode);
        Scalar halfMu = new Scalar(L2 / 2);
        for (int s = 0; s < steps; s++) {
            Tensor w = head.get(LinearHead.WEIGHT);
            Tensor loss = Losses.crossEntropy(LinearHead.apply(head, support), episode.supportY())
                    .add(w.mul(w).sum().mul(halfMu));
            head = InnerSgd.step(head, loss, lr, false);
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(LinearHead.apply(head, query));
        }
    }
}

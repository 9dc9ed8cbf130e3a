package dev.metascale.engine.learn;

import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;

import java.util.List;

/**
 * The full fine-tuning baseline: conventional pre-training ({@link PretrainedBaseline}), then per
 * episode every weight of the backbone and a new zero-initialised head are trained on the support set:
 * <pre>  (θ_b, W) ← (θ_b, W) − α ∇ CE(W f_{θ_b}(x_support), y_support),   {@code eval_inner_steps} times, from (θ_b^pre, 0)</pre>
 * (the "fine-tune everything" transfer baseline of Chen et al., ICLR 2019, and of Dhillon et al.,
 * "A Baseline for Few-Shot Image Classification", ICLR 2020, without their transductive term).
 * Compare {@link LinearProbe} (body frozen), {@link LoraBaseline}, {@link AdapterBaseline}.
 */
public final class FineTune extends PretrainedBaseline {

    /** @param params backbone plus a head over all meta-train classes */
    public FineTune(Model model, ParamSet params, double lr, int steps, double outerLr) {
        this(model, params, lr, steps, outerLr, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of the pre-training gradient */
    public FineTune(Model model, ParamSet params, double lr, int steps, double outerLr, TrainingTechniques techniques) {
        super(model, params, lr, steps, outerLr, techniques);
    }

    /**
     * A language model: every weight, the pre-trained head included (the vocabulary is the same in every
     * task, so there is no new head to fit), takes {@code eval_inner_steps} full-batch SGD steps on the
     * support windows; returns the query loss of the result.
     */
    @Override
    public double adaptAndQueryLoss(Episode episode) {
        ParamSet fast = InnerSgd.detachedLeaves(params);
        for (int s = 0; s < steps; s++) {
            fast = InnerSgd.step(fast, Losses.crossEntropy(model.logits(fast, episode.supportX()), episode.supportY()), lr, false);
        }
        return MetaLearner.queryLoss(model, fast, episode);
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        ParamSet trainable = InnerSgd.detachedLeaves(frozenBody()).with(newHead(episode));
        return fit(model, new ParamSet(List.of(), List.of()), trainable, episode);
    }
}

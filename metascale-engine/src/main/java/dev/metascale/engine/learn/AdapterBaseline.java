package dev.metascale.engine.learn;

import dev.metascale.engine.model.Adapters;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;

/**
 * The adapter baseline: conventional pre-training ({@link PretrainedBaseline}), then per episode
 * the pre-trained backbone is frozen, a fresh bottleneck adapter with a zero up-projection is put
 * after every block ({@link Adapters}, Houlsby et al., ICML 2019), and only the adapters and a new
 * zero-initialised head are trained on the support set:
 * <pre>  (adapters, W_head) ← (adapters, W_head) − α ∇ CE(W_head f_{θ_b, adapters}(x_support), y_support),   {@code eval_inner_steps} times</pre>
 */
public final class AdapterBaseline extends PretrainedBaseline {
    private final Adapters adapters;

    /** @param params backbone plus a head over all meta-train classes */
    public AdapterBaseline(Model model, ParamSet params, double lr, int steps, double outerLr, int bottleneck) {
        this(model, params, lr, steps, outerLr, bottleneck, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of the pre-training gradient */
    public AdapterBaseline(Model model, ParamSet params, double lr, int steps, double outerLr, int bottleneck, TrainingTechniques techniques) {
        super(model, params, lr, steps, outerLr, techniques);
        this.adapters = new Adapters(model, bottleneck);
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        ParamSet trainable = adapters.initAdapters(params.tensors().get(0).scalar_type()).with(newHead(episode));
        return fit(adapters, frozenBody(), trainable, episode);
    }
}

package dev.metascale.engine.learn;

import dev.metascale.engine.model.Lora;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;

/**
 * The LoRA baseline: conventional pre-training ({@link PretrainedBaseline}), then per episode the
 * pre-trained backbone is frozen, every weight matrix gets a fresh rank-r update W + BA with B = 0
 * ({@link Lora}, Hu et al., ICLR 2022, eq. 3), and only the factors (A, B) and a new
 * zero-initialised head are trained on the support set:
 * <pre>  (A, B, W_head) ← (A, B, W_head) − α ∇ CE(W_head f_{θ_b + BA}(x_support), y_support),   {@code eval_inner_steps} times</pre>
 */
public final class LoraBaseline extends PretrainedBaseline {
    private final Lora lora;

    /** @param params backbone plus a head over all meta-train classes */
    public LoraBaseline(Model model, ParamSet params, double lr, int steps, double outerLr, int rank) {
        this(model, params, lr, steps, outerLr, rank, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of the pre-training gradient */
    public LoraBaseline(Model model, ParamSet params, double lr, int steps, double outerLr, int rank, TrainingTechniques techniques) {
        super(model, params, lr, steps, outerLr, techniques);
        this.lora = Lora.wrap(model, params, rank);
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        ParamSet trainable = lora.initFactors(params.tensors().get(0).scalar_type()).with(newHead(episode));
        return fit(lora, frozenBody(), trainable, episode);
    }
}

package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * LoRA (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", ICLR 2022, eq. 3) as a
 * wrapper of any functional model: every weight matrix W ∈ R^{out×in} of the base (every
 * {@code *.weight} of two or more dimensions outside the head; a convolution kernel
 * [out, in, k, k] is taken as the matrix [out, in·k·k], as loralib's ConvLoRA does) gets a
 * low-rank update
 * <pre>  W' = W + (α/r) · B A,   A ∈ R^{r×in} ~ U(±1/√in),  B ∈ R^{out×r} = 0,   α = r</pre>
 * so at initialisation W' = W and the base model's output is unchanged. The update is merged into
 * the weight before the base model runs (h = W'x = Wx + BAx), which is exact and works for any
 * layer that reads its weight from the ParamSet. The factors are named {@code lora.NAME.A} and
 * {@code lora.NAME.B}; training only them (and a head) is the LoRA baseline.
 */
public final class Lora implements Model {
    /** A weight matrix that gets a low-rank update: its name and its matrix shape. */
    public record Target(String name, long[] shape, long rows, long cols) {
    }

    private final Model base;
    private final int rank;
    private final List<Target> targets;

    private Lora(Model base, int rank, List<Target> targets) {
        this.base = base;
        this.rank = rank;
        this.targets = List.copyOf(targets);
    }

    /** LoRA of rank {@code rank} on every weight matrix of {@code baseParams} outside the head. */
    public static Lora wrap(Model base, ParamSet baseParams, int rank) {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank + " (algorithm.lora_rank)");
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < baseParams.size(); i++) {
            String name = baseParams.names().get(i);
            Tensor t = baseParams.tensors().get(i);
            if (name.endsWith(".weight") && !name.startsWith(LinearHead.PREFIX) && t.dim() >= 2) {
                long[] shape = t.sizes().vec().get();
                targets.add(new Target(name, shape, shape[0], t.numel() / shape[0]));
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("model " + base.name() + " has no weight matrices for LoRA; "
                    + "use a model with linear or convolution layers");
        }
        return new Lora(base, rank, targets);
    }

    public List<Target> targets() {
        return targets;
    }

    @Override
    public String name() {
        return base.name() + "+lora" + rank;
    }

    @Override
    public int featureDim() {
        return base.featureDim();
    }

    /** Fresh factors only: A uniform in ±1/√in, B zero (leaves that require grad). */
    public ParamSet initFactors(torch.ScalarType dtype) {
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        for (Target t : targets) {
            names.add("lora." + t.name() + ".A");
            tensors.add(Init.leaf(Init.uniform(new long[]{rank, t.cols()}, 1.0 / Math.sqrt(t.cols()), dtype)));
            names.add("lora." + t.name() + ".B");
            tensors.add(Init.leaf(Init.constant(new long[]{t.rows(), rank}, 0.0, dtype)));
        }
        return new ParamSet(names, tensors);
    }

    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        ParamSet p = base.init(seed, outputs, dtype);
        return p.with(initFactors(dtype));
    }

    /** The base parameters with every target replaced by W + (α/r) B A (α = r, so the scale is 1). */
    public ParamSet merged(ParamSet p) {
        List<String> names = new ArrayList<>();
        List<Tensor> weights = new ArrayList<>();
        for (Target t : targets) {
            Tensor delta = p.get("lora." + t.name() + ".B").matmul(p.get("lora." + t.name() + ".A"));
            names.add(t.name());
            weights.add(p.get(t.name()).add(delta.reshape(t.shape())));
        }
        return p.with(new ParamSet(names, weights));
    }

    @Override
    public Tensor features(ParamSet p, Tensor images) {
        return base.features(merged(p), images);
    }

    @Override
    public Tensor features(ParamSet p, Tensor images, BlockHook hook) {
        return base.features(merged(p), images, hook);
    }

    @Override
    public List<BlockShape> blocks() {
        return base.blocks();
    }

    /** The base model's FLOPs plus the merge, 2·out·in·r per target (once per forward, not per example). */
    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        OptionalLong b = base.forwardFlops(batch, outputs);
        if (b.isEmpty()) {
            return b;
        }
        long merge = 0;
        for (Target t : targets) {
            merge += 2 * t.rows() * t.cols() * rank;
        }
        return OptionalLong.of(b.getAsLong() + merge);
    }
}

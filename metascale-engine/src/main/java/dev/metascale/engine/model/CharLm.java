package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A small causal character-level Transformer language model (GPT-style decoder: Radford et al.,
 * "Improving Language Understanding by Generative Pre-Training", 2018; pre-layer-norm blocks as in
 * GPT-2, Radford et al. 2019, sec. 2.3), functional like {@link Vit}. For character ids x_1..x_T:
 * <pre>
 *   z_0 = E[x_t] + P_t                                 (learned character and position embeddings, width d)
 *   z'_l = z_{l−1} + CausalMSA(LN(z_{l−1}))            (h heads; position t attends to positions ≤ t)
 *   z_l  = z'_l + MLP(LN(z'_l))                         (MLP d → 4d → d, GELU)
 *   features_t = LN(z_{L,t}),   logits_t = W features_t + b   (the head: vocabulary outputs)
 * </pre>
 * where CausalMSA(z) = concat_j softmax(q_j k_jᵀ / √(d/h) + M) v_j · W_o with M_{ts} = −∞ for s > t.
 * Position t's logits predict character x_{t+1}: a window of T + 1 characters gives T targets.
 *
 * <p>Shapes: {@link #features} takes int64 ids [n, T] and returns [n·T, d] (position-major within
 * each window), so {@link #logits} = {@link LinearHead} on them is [n·T, vocabulary], the layout of
 * {@link dev.metascale.core.component.Modality#CHARACTER_WINDOWS} targets. The output projection is the
 * model's {@link LinearHead} ({@code head.weight} [vocabulary, d]); the character embedding is not
 * tied to it. Attention is written with matmuls so that second-order gradients work.
 *
 * <p>Presets ({@link #PRESETS}): {@code tiny} d=64, 2 blocks, 2 heads; {@code small} d=128, 4 blocks,
 * 4 heads; {@code base} d=256, 6 blocks, 8 heads. With the udhr vocabulary (~2,000 characters) and
 * T = 64 they hold ~0.36 M, ~1.3 M and ~5.8 M parameters (two thirds of tiny's are the embedding and
 * the head: {@link #parameterCount}).
 */
public final class CharLm implements Model {

    /** Width, depth and heads of a preset. */
    public record Preset(int dim, int depth, int heads) {
    }

    public static final Map<String, Preset> PRESETS = Map.of(
            "tiny", new Preset(64, 2, 2),
            "small", new Preset(128, 4, 4),
            "base", new Preset(256, 6, 8));
    public static final String DEFAULT_PRESET = "tiny";
    private static final double LN_EPS = 1e-5;

    private final String preset;
    private final Preset shape;
    private final int vocabulary;
    private final int context;
    private final PreLnTransformer blocks;

    /**
     * @param vocabulary characters (ids 0..vocabulary−1), the size of the embedding table and of the head
     * @param context    T: the longest input; positions 0..T−1 have embeddings
     */
    public CharLm(String preset, Preset shape, int vocabulary, int context) {
        if (shape.dim() % shape.heads() != 0) {
            throw new IllegalArgumentException("char-lm: width " + shape.dim() + " is not divisible by " + shape.heads() + " heads");
        }
        if (vocabulary < 2 || context < 1) {
            throw new IllegalArgumentException("char-lm needs a vocabulary of at least 2 characters and a context of at least 1,"
                    + " got " + vocabulary + " and " + context);
        }
        this.preset = preset;
        this.shape = shape;
        this.vocabulary = vocabulary;
        this.context = context;
        this.blocks = new PreLnTransformer(shape.dim(), shape.heads(), LN_EPS);
    }

    /** The preset named {@code size} ("" = {@value #DEFAULT_PRESET}). */
    public static CharLm preset(String size, int vocabulary, int context) {
        String name = size == null || size.isEmpty() ? DEFAULT_PRESET : size;
        Preset p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown char-lm size '" + name + "'; use one of "
                    + PRESETS.keySet().stream().sorted().toList());
        }
        return new CharLm(name, p, vocabulary, context);
    }

    @Override
    public String name() {
        return "char-lm-" + preset;
    }

    @Override
    public int featureDim() {
        return shape.dim();
    }

    public int vocabulary() {
        return vocabulary;
    }

    public int context() {
        return context;
    }

    /**
     * Exact parameter count of {@link #init} with the vocabulary head: embeddings V·d + T·d, per block
     * 2 norms (4d) + qkv (3d² + 3d) + projection (d² + d) + MLP (8d² + 5d) = 12d² + 13d, final norm 2d, head V·d + V.
     */
    public long parameterCount() {
        long d = shape.dim();
        return (long) vocabulary * d + (long) context * d + shape.depth() * (12 * d * d + 13 * d) + 2 * d
                + (long) vocabulary * d + vocabulary;
    }

    /**
     * @param outputs 0 for the body only; otherwise it must be the vocabulary: a language model's head
     *                predicts the next character
     */
    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        if (outputs != 0 && outputs != vocabulary) {
            throw new IllegalArgumentException("char-lm predicts the next of " + vocabulary + " characters, so its head has "
                    + vocabulary + " outputs, not " + outputs + "; size the head by the data set's vocabulary");
        }
        torch.manual_seed(seed);
        int d = shape.dim();
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        names.add("tok_embed");
        tensors.add(Init.leaf(PreLnTransformer.normal(new long[]{vocabulary, d}, dtype)));
        names.add("pos_embed");
        tensors.add(Init.leaf(PreLnTransformer.normal(new long[]{context, d}, dtype)));
        for (int l = 0; l < shape.depth(); l++) {
            blocks.addBlock(names, tensors, "block" + l, dtype);
        }
        PreLnTransformer.addNorm(names, tensors, "norm", d, dtype);
        ParamSet body = new ParamSet(names, tensors);
        return outputs > 0 ? body.with(LinearHead.create(d, vocabulary, dtype, false)) : body;
    }

    /** Features [n·T, d] of character ids [n, T] (int64), T ≤ the context. */
    @Override
    public Tensor features(ParamSet p, Tensor ids) {
        return features(p, ids, BlockHook.IDENTITY);
    }

    @Override
    public Tensor features(ParamSet p, Tensor ids, BlockHook hook) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("char-lm reads character ids [n, T], got a tensor of " + ids.dim() + " dimensions");
        }
        long t = ids.size(1);
        if (t > context) {
            throw new IllegalArgumentException("char-lm was built for windows of at most " + context + " characters, got " + t);
        }
        Tensor pos = p.get("pos_embed").narrow(0, 0, t);
        Tensor z = torch.embedding(p.get("tok_embed"), ids).add(pos);                               // [n, t, d]
        Tensor future = torch.triu(torch.ones(new long[]{t, t}, dev.metascale.engine.torch.TrialDevice.options(torch.ScalarType.Bool)), 1);
        for (int l = 0; l < shape.depth(); l++) {
            z = hook.apply(l, blocks.block(p, "block" + l, z, future));
        }
        return blocks.norm(p, "norm", z).reshape(-1, shape.dim());
    }

    @Override
    public List<dev.metascale.engine.model.BlockShape> blocks() {
        List<BlockShape> shapes = new ArrayList<>();
        for (int l = 0; l < shape.depth(); l++) {
            shapes.add(BlockShape.tokens(shape.dim(), context));
        }
        return shapes;
    }

    /**
     * The forward by {@link dev.metascale.core.flops.FlopFormulas}, per window of T = context positions: the
     * character look-up (no FLOPs; its backward scatters T·d gradients into the table) and the position embedding's
     * addition, the blocks ({@link PreLnTransformer#blockCost}; the causal mask is a fill of h·T² scores per block
     * and does not skip the masked products), the final layer norm and the head over the vocabulary's V outputs
     * (any {@code outputs} > 0 counts that head: the sampler says one "way" per language task). The embeddings are
     * trained, so every product's input needs a gradient: no input layer.
     */
    public dev.metascale.core.flops.ForwardCost forwardCost(long batch, int outputs) {
        long t = context;
        long d = shape.dim();
        long tokens = batch * t;
        dev.metascale.core.flops.ForwardCost cost = new dev.metascale.core.flops.ForwardCost(
                dev.metascale.core.flops.FlopCount.other(tokens * d), 0, 2 * tokens * d);
        for (int l = 0; l < shape.depth(); l++) {
            cost = cost.plus(blocks.blockCost(batch, t)).plus(new dev.metascale.core.flops.ForwardCost(
                    dev.metascale.core.flops.FlopCount.other(batch * shape.heads() * t * t), 0, 0));
        }
        cost = cost.plus(new dev.metascale.core.flops.ForwardCost(dev.metascale.core.flops.FlopFormulas.batchNormForward(tokens * d), 0,
                dev.metascale.core.flops.FlopFormulas.batchNormBackward(tokens * d).total()));
        if (outputs > 0) {
            cost = cost.plus(new dev.metascale.core.flops.ForwardCost(
                    dev.metascale.core.flops.FlopFormulas.linearForward(tokens, d, vocabulary, true), 0,
                    dev.metascale.core.flops.FlopFormulas.linearBackward(tokens, d, vocabulary, true, true).other()));
        }
        return cost;
    }

    /** The total of {@link #forwardCost}. */
    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return OptionalLong.of(forwardCost(batch, outputs).forward().total());
    }
}

package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The pre-layer-norm Transformer block that {@link Vit} and {@link CharLm} share (Vaswani et al. 2017,
 * with the norm moved before each sub-layer as in GPT-2, Radford et al. 2019, sec. 2.3), functional:
 * <pre>
 *   z' = z + MSA(LN(z))        MSA(x) = concat_j softmax(q_j k_jᵀ / √(d/h) + M) v_j · W_o,  [q; k; v] = x W_qkv
 *   z⁺ = z' + MLP(LN(z'))      MLP: d → 4d → d, GELU
 * </pre>
 * M is 0, or −∞ where a mask forbids attention (a causal language model's future positions). The
 * attention is written with matmuls, not a fused kernel, so that second-order gradients work.
 * Parameters of block {@code b}: {@code b.ln1}, {@code b.attn.qkv}, {@code b.attn.proj}, {@code b.ln2},
 * {@code b.mlp.fc1}, {@code b.mlp.fc2}, each a {@code .weight} and a {@code .bias}.
 */
final class PreLnTransformer {
    static final int MLP_RATIO = 4;
    private static final List<String> PARTS = List.of(".ln1", ".attn.qkv", ".attn.proj", ".ln2", ".mlp.fc1", ".mlp.fc2");

    private final int dim;
    private final int heads;
    private final double eps;

    /** @param eps the layer norms' ε */
    /** GELU (erf form) x·½(1 + erf(x/√2)): scale, erf, add, two multiplies: 5 per element. */
    static final int GELU_FORWARD = 5;
    /** Its backward ½(1 + erf(x/√2)) + x·φ(x), times the upstream gradient: scale, erf, add, square, exp, 3 multiplies, add: 9. */
    static final int GELU_BACKWARD = 9;

    /**
     * FLOPs of one block on {@code sequences} sequences of {@code t} tokens by {@link FlopFormulas}: the four linear
     * layers (qkv, projection, MLP up and down, with biases), the attention core (Q·Kᵀ and A·V, scale and softmax;
     * {@link FlopFormulas#attentionForward}), two layer norms (normalised like batch norm over the width: 7 per
     * element, backward 8), GELU over the 4d-wide hidden layer and the two residual additions; backward element-wise:
     * bias gradients, softmax, layer-norm and GELU backwards, and the gradient sums at the two residual branch points.
     * Every product's input needs a gradient (no input layer here).
     */
    dev.metascale.core.flops.ForwardCost blockCost(long sequences, long t) {
        long tokens = sequences * t;
        long d = dim;
        long hidden = (long) MLP_RATIO * dim;
        long dh = dim / heads;
        dev.metascale.core.flops.FlopCount forward = dev.metascale.core.flops.FlopFormulas.linearForward(tokens, d, 3 * d, true)
                .plus(dev.metascale.core.flops.FlopFormulas.attentionForward(sequences * heads, t, t, dh))
                .plus(dev.metascale.core.flops.FlopFormulas.linearForward(tokens, d, d, true))
                .plus(dev.metascale.core.flops.FlopFormulas.linearForward(tokens, d, hidden, true))
                .plus(dev.metascale.core.flops.FlopFormulas.linearForward(tokens, hidden, d, true))
                .plus(dev.metascale.core.flops.FlopFormulas.batchNormForward(2 * tokens * d))
                .plus(dev.metascale.core.flops.FlopCount.other(GELU_FORWARD * tokens * hidden + 2 * tokens * d));
        long backwardOther = tokens * (3 * d + d + hidden + d)
                + dev.metascale.core.flops.FlopFormulas.attentionBackward(sequences * heads, t, t, dh).other()
                + dev.metascale.core.flops.FlopFormulas.batchNormBackward(2 * tokens * d).total()
                + GELU_BACKWARD * tokens * hidden + 2 * tokens * d;
        return new dev.metascale.core.flops.ForwardCost(forward, 0, backwardOther);
    }

    PreLnTransformer(int dim, int heads, double eps) {
        this.dim = dim;
        this.heads = heads;
        this.eps = eps;
    }

    /** N(0, 0.02²), the ViT/BERT/GPT initialisation of weights and embeddings. */
    static Tensor normal(long[] shape, torch.ScalarType dtype) {
        return torch.randn(shape, dev.metascale.engine.torch.TrialDevice.options(dtype)).mul_(new Scalar(0.02));
    }

    /** A linear layer {@code prefix}: weight [out, in] ~ N(0, 0.02²), bias 0. */
    static void addLinear(List<String> names, List<Tensor> tensors, String prefix, int out, int in, torch.ScalarType dtype) {
        names.add(prefix + ".weight");
        tensors.add(Init.leaf(normal(new long[]{out, in}, dtype)));
        names.add(prefix + ".bias");
        tensors.add(Init.leaf(Init.constant(new long[]{out}, 0.0, dtype)));
    }

    /** A layer norm {@code prefix} over width d: γ = 1, β = 0. */
    static void addNorm(List<String> names, List<Tensor> tensors, String prefix, int d, torch.ScalarType dtype) {
        names.add(prefix + ".weight");
        tensors.add(Init.leaf(Init.constant(new long[]{d}, 1.0, dtype)));
        names.add(prefix + ".bias");
        tensors.add(Init.leaf(Init.constant(new long[]{d}, 0.0, dtype)));
    }

    /** Fresh parameters of block {@code b}, in {@link #blockParameterNames} order. */
    void addBlock(List<String> names, List<Tensor> tensors, String b, torch.ScalarType dtype) {
        int hidden = MLP_RATIO * dim;
        addNorm(names, tensors, b + ".ln1", dim, dtype);
        addLinear(names, tensors, b + ".attn.qkv", 3 * dim, dim, dtype);
        addLinear(names, tensors, b + ".attn.proj", dim, dim, dtype);
        addNorm(names, tensors, b + ".ln2", dim, dtype);
        addLinear(names, tensors, b + ".mlp.fc1", hidden, dim, dtype);
        addLinear(names, tensors, b + ".mlp.fc2", dim, hidden, dtype);
    }

    /** The names of block {@code b}'s parameters. */
    static List<String> blockParameterNames(String b) {
        List<String> names = new ArrayList<>();
        for (String part : PARTS) {
            names.addAll(List.of(b + part + ".weight", b + part + ".bias"));
        }
        return names;
    }

    static Tensor linear(ParamSet p, String prefix, Tensor x) {
        return torch.linear(x, p.get(prefix + ".weight"), new TensorOptional(p.get(prefix + ".bias")));
    }

    Tensor norm(ParamSet p, String prefix, Tensor x) {
        return torch.layer_norm(x, new long[]{dim}, new TensorOptional(p.get(prefix + ".weight")),
                new TensorOptional(p.get(prefix + ".bias")), eps, false);
    }

    /**
     * Block {@code b} on tokens [n, t, d].
     *
     * @param forbidden null, or a bool [t, t] mask, true where position s may not be attended from t
     */
    Tensor block(ParamSet p, String b, Tensor z, Tensor forbidden) {
        Tensor mid = z.add(attention(p, b + ".attn", norm(p, b + ".ln1", z), forbidden));
        Tensor mlp = linear(p, b + ".mlp.fc2", torch.gelu(linear(p, b + ".mlp.fc1", norm(p, b + ".ln2", mid))));
        return mid.add(mlp);
    }

    private Tensor attention(ParamSet p, String prefix, Tensor x, Tensor forbidden) {
        long n = x.size(0);
        long t = x.size(1);
        long dh = dim / heads;
        Tensor qkv = linear(p, prefix + ".qkv", x).reshape(n, t, 3, heads, dh).permute(2, 0, 3, 1, 4); // [3, n, h, t, dh]
        Tensor q = qkv.select(0, 0);
        Tensor k = qkv.select(0, 1);
        Tensor v = qkv.select(0, 2);
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(new Scalar(1.0 / Math.sqrt(dh)));         // [n, h, t, t]
        if (forbidden != null) {
            scores = scores.masked_fill(forbidden, new Scalar(Double.NEGATIVE_INFINITY));
        }
        Tensor mixed = torch.softmax(scores, -1).matmul(v);                                           // [n, h, t, dh]
        return linear(p, prefix + ".proj", mixed.transpose(1, 2).reshape(n, t, (long) dim));
    }
}

package dev.metascale.core.flops;

/**
 * Analytic FLOP counts of the operations the models run, forward and backward. A fused multiply-add
 * counts as 2 FLOPs; a comparison, addition, multiplication, exponential or logarithm as 1.
 *
 * <p>Matrix products and convolutions ("matmul family") are returned apart from the element-wise
 * work ({@link FlopCount#matmul()} and {@link FlopCount#other()}): the profiler cross-check compares
 * only the former, which is what Kineto counts (aten::mm, addmm, bmm, conv2d) and what dominates.
 *
 * <p>Backward rule for a product {@code Y = X·W}: the weight gradient {@code dW = Xᵀ·dY} and the input
 * gradient {@code dX = dY·Wᵀ} each cost one forward product, so the backward is 2× the forward, or 1×
 * when the input needs no gradient (the first layer, whose input is data). The same holds for
 * convolutions (grad weight = a correlation of input and output gradient, grad input = a transposed
 * convolution, each with the forward's multiply-add count).
 */
public final class FlopFormulas {
    private FlopFormulas() {
    }

    /** {@code y = x·Wᵀ + b}, x [batch, in]: 2·batch·in·out matmul, batch·out for the bias. */
    public static FlopCount linearForward(long batch, long in, long out, boolean bias) {
        return new FlopCount(2 * batch * in * out, bias ? batch * out : 0);
    }

    /**
     * Backward of {@link #linearForward}: dW = dYᵀ·x (2·batch·in·out), dx = dY·W (2·batch·in·out, only when
     * {@code inputGrad}), db = Σ_batch dY (batch·out).
     */
    public static FlopCount linearBackward(long batch, long in, long out, boolean bias, boolean inputGrad) {
        long product = 2 * batch * in * out;
        return new FlopCount(inputGrad ? 2 * product : product, bias ? batch * out : 0);
    }

    /** Output side length of a convolution or pooling: {@code (size + 2·pad − kernel) / stride + 1}. */
    public static long outputSize(long size, long kernel, long stride, long pad) {
        return (size + 2 * pad - kernel) / stride + 1;
    }

    /**
     * 2-d convolution, input [batch, inC, h, w], kernel [outC, inC/groups, kh, kw], output [batch, outC, oh, ow]:
     * 2·batch·outC·oh·ow·(inC/groups)·kh·kw matmul, batch·outC·oh·ow for a bias.
     */
    public static FlopCount conv2dForward(long batch, long inC, long outC, long oh, long ow, long kh, long kw,
                                          long groups, boolean bias) {
        long outputs = batch * outC * oh * ow;
        return new FlopCount(2 * outputs * (inC / groups) * kh * kw, bias ? outputs : 0);
    }

    /** Backward of {@link #conv2dForward}: grad weight and (when {@code inputGrad}) grad input, each one forward. */
    public static FlopCount conv2dBackward(long batch, long inC, long outC, long oh, long ow, long kh, long kw,
                                           long groups, boolean bias, boolean inputGrad) {
        FlopCount forward = conv2dForward(batch, inC, outC, oh, ow, kh, kw, groups, bias);
        return new FlopCount(inputGrad ? 2 * forward.matmul() : forward.matmul(), forward.other());
    }

    /**
     * Batch normalisation with batch statistics over {@code elements} = N·C·H·W values: mean (1), centre (1),
     * variance (FMA, 2), normalise by the reciprocal standard deviation (1), affine γ·x̂+β (FMA, 2): 7 per element.
     */
    public static FlopCount batchNormForward(long elements) {
        return FlopCount.other(7 * elements);
    }

    /**
     * Backward of batch normalisation: dβ = Σ dy (1), dγ = Σ dy·x̂ (2), dx = (rstd/N)·(N·dy − dβ − x̂·dγ)
     * (scale, subtract, FMA, multiply: 5): 8 per element.
     */
    public static FlopCount batchNormBackward(long elements) {
        return FlopCount.other(8 * elements);
    }

    /** ReLU: one comparison per element; its backward one masked copy (1) per element. */
    public static FlopCount reluForward(long elements) {
        return FlopCount.other(elements);
    }

    public static FlopCount reluBackward(long elements) {
        return FlopCount.other(elements);
    }

    /** k×k max-pooling: k²−1 comparisons per output; the backward routes each output gradient once (1). */
    public static FlopCount maxPoolForward(long outputs, long kernel) {
        return FlopCount.other(outputs * (kernel * kernel - 1));
    }

    public static FlopCount maxPoolBackward(long outputs) {
        return FlopCount.other(outputs);
    }

    /**
     * Softmax + cross-entropy over logits [rows, classes]: max (1), subtract (1), exp (1), sum (1) per logit,
     * then one log and one pick per row: 4·rows·classes + 2·rows.
     */
    public static FlopCount crossEntropyForward(long rows, long classes) {
        return FlopCount.other(4 * rows * classes + 2 * rows);
    }

    /** Backward of cross-entropy: (softmax − one-hot)·(1/rows), 2 per logit. */
    public static FlopCount crossEntropyBackward(long rows, long classes) {
        return FlopCount.other(2 * rows * classes);
    }

    /**
     * Scaled dot-product attention core (Vaswani et al. 2017, eq. 1) for {@code batch·heads} sequences of
     * length {@code tq} (queries) over {@code tk} keys with head width {@code d}, projections excluded:
     * S = Q·Kᵀ (2·tq·tk·d), softmax(S/√d) (scale 1, max 1, subtract 1, exp 1, sum 1, divide 1: 6 per score),
     * O = A·V (2·tq·tk·d).
     */
    public static FlopCount attentionForward(long batchHeads, long tq, long tk, long d) {
        long scores = batchHeads * tq * tk;
        return new FlopCount(2 * (2 * scores * d), 6 * scores);
    }

    /**
     * Backward of {@link #attentionForward}: dA = dO·Vᵀ and dV = Aᵀ·dO (2× the A·V product), dQ = dS·K and
     * dK = dSᵀ·Q (2× the Q·Kᵀ product), softmax backward dS = A ⊙ (dA − rowsum(dA ⊙ A)) (FMA 2, subtract 1,
     * multiply 1) and the 1/√d scale (1): 5 per score.
     */
    public static FlopCount attentionBackward(long batchHeads, long tq, long tk, long d) {
        long scores = batchHeads * tq * tk;
        return new FlopCount(2 * 2 * (2 * scores * d), 5 * scores);
    }
}

package dev.metascale.core.flops;

/**
 * What a model's FLOP count needs to know about one forward pass at a given batch size, to derive its
 * backward and second-order passes by the rules of {@link FlopFormulas}.
 *
 * @param forward          the forward pass
 * @param inputLayerMatmul the matmul FLOPs of the first layer: its input is data, so autograd never
 *                         computes that layer's input gradient (a backward of 2·forward − this)
 * @param backwardOther    element-wise FLOPs of the backward pass (bias, normalisation, activation,
 *                         pooling and loss gradients)
 * @param frozenMatmul     the matmul FLOPs of frozen layers below every trainable one: back-propagation never
 *                         reaches them (no weight and no input gradients); {@code inputLayerMatmul} is then
 *                         the first trainable layer's products whose input is the frozen layers' output
 */
public record ForwardCost(FlopCount forward, long inputLayerMatmul, long backwardOther, long frozenMatmul) {

    public ForwardCost {
        if (inputLayerMatmul < 0 || frozenMatmul < 0 || inputLayerMatmul + frozenMatmul > forward.matmul() || backwardOther < 0) {
            throw new IllegalArgumentException("input-layer matmul " + inputLayerMatmul + " and frozen matmul " + frozenMatmul
                    + " must be >= 0 and together at most " + forward.matmul() + ", and backward element-wise FLOPs "
                    + backwardOther + " must be >= 0");
        }
    }

    public ForwardCost(FlopCount forward, long inputLayerMatmul, long backwardOther) {
        this(forward, inputLayerMatmul, backwardOther, 0);
    }

    /**
     * A model that reports only its total forward FLOPs ({@code Model.forwardFlops}): everything is treated
     * as matmul with an input gradient everywhere, element-wise backward unknown (0). Overestimates the
     * backward by one input-layer product.
     */
    public static ForwardCost ofTotal(long forwardFlops) {
        return new ForwardCost(new FlopCount(forwardFlops, 0), 0, 0);
    }

    /**
     * The backward pass: weight gradients of every trainable product plus input gradients of all but the input
     * layer ({@code 2·(F − F_frozen) − f₀} matmul), and the element-wise backward.
     */
    public FlopCount backward() {
        return new FlopCount(2 * (forward.matmul() - frozenMatmul) - inputLayerMatmul, backwardOther);
    }

    /**
     * Back-propagation through a backward pass that was taken with {@code create_graph = true} (the second-order
     * term of MAML, a Hessian-vector product). Per product layer {@code Y = X·W} with forward cost f, upstream
     * gradients V at dW and U at dX:
     * <ul>
     *   <li>through dW = dYᵀ·X: d(dY) = X·Vᵀ (f), dX += dY·V (f, not for the input layer);</li>
     *   <li>through dX = dY·W (absent for the input layer): d(dY) = U·Wᵀ (f), dW += dYᵀ·U (f);</li>
     *   <li>through the forward itself, whose activations the gradient depends on: dW (f), dX (f, not for the
     *       input layer).</li>
     * </ul>
     * So 6f per hidden layer and 2f for the input layer: {@code 6·(F − F_frozen) − 4·f₀} (frozen layers below
     * the trainable ones have no backward to differentiate). ReLU's and the loss's double backwards have no
     * products; element-wise work is taken as 3× the element-wise backward (its derivative twice and the
     * forward's backward once).
     */
    public FlopCount secondOrder() {
        return new FlopCount(6 * (forward.matmul() - frozenMatmul) - 4 * inputLayerMatmul, 3 * backwardOther);
    }

    public ForwardCost plus(ForwardCost o) {
        return new ForwardCost(forward.plus(o.forward), inputLayerMatmul + o.inputLayerMatmul, backwardOther + o.backwardOther,
                frozenMatmul + o.frozenMatmul);
    }
}

package dev.metascale.core.flops;

/**
 * Analytic FLOPs of one meta-iteration (a meta-batch of tasks), kept in parts. The "model FLOPs" behind
 * {@code flops_per_iter} (the numerator of MFU) are what the algorithm must compute for its meta-gradient: the
 * forward, backward and second-order passes, and iMAML's conjugate-gradient solver — its Hessian-vector products
 * are iMAML's meta-gradient as the second-order term is MAML's (leaving it out made iMAML look 35 % cheaper and
 * its MFU lower than the work done). Apart from them the recompute of activation checkpointing, a technique's
 * cost (the same meta-gradient without it): counted in the hardware FLOPs ({@link #total()}, HFU) only.
 *
 * <p>Each rule below takes the {@link ForwardCost} of one forward pass over a task's support set
 * ({@code s}) and query set ({@code q}), counts one task and multiplies by the meta-batch; the outer
 * optimiser's element-wise update is negligible and not counted.
 */
public record IterationFlops(FlopCount forward, FlopCount backward, FlopCount secondOrder,
                             FlopCount recompute, FlopCount solver) {

    /** Forward, backward, second-order passes and solver: the model FLOPs. */
    public FlopCount model() {
        return forward.plus(backward).plus(secondOrder).plus(solver);
    }

    /** Model FLOPs plus checkpointing's recompute: the hardware FLOPs. */
    public FlopCount total() {
        return model().plus(recompute);
    }

    public IterationFlops plus(IterationFlops o) {
        return new IterationFlops(forward.plus(o.forward), backward.plus(o.backward), secondOrder.plus(o.secondOrder),
                recompute.plus(o.recompute), solver.plus(o.solver));
    }

    /** The mean over {@code n} iterations of what this sums over them. */
    public IterationFlops dividedBy(long n) {
        return new IterationFlops(forward.dividedBy(n), backward.dividedBy(n), secondOrder.dividedBy(n), recompute.dividedBy(n),
                solver.dividedBy(n));
    }

    public IterationFlops times(long k) {
        return new IterationFlops(forward.times(k), backward.times(k), secondOrder.times(k), recompute.times(k), solver.times(k));
    }

    /**
     * Activation checkpointing re-runs the forward of each back-propagated segment once: callers pass the
     * forward FLOPs of the passes they checkpoint (for MAML, every inner and query pass: {@link #forward()}).
     */
    public IterationFlops withRecompute(FlopCount recomputed) {
        return new IterationFlops(forward, backward, secondOrder, recompute.plus(recomputed), solver);
    }

    /**
     * Second-order MAML (Finn et al. 2017, Alg. 2): k inner steps each a forward and a create-graph
     * backward on the support set, a forward and backward on the query set, and the outer backward through
     * each of the k inner backwards ({@link ForwardCost#secondOrder()}).
     */
    public static IterationFlops maml(ForwardCost s, ForwardCost q, int innerSteps, int metaBatch) {
        return new IterationFlops(
                s.forward().times(innerSteps).plus(q.forward()),
                s.backward().times(innerSteps).plus(q.backward()),
                s.secondOrder().times(innerSteps),
                FlopCount.ZERO, FlopCount.ZERO).times(metaBatch);
    }

    /** First-order MAML: {@link #maml} without the second-order term. */
    public static IterationFlops foMaml(ForwardCost s, ForwardCost q, int innerSteps, int metaBatch) {
        return new IterationFlops(
                s.forward().times(innerSteps).plus(q.forward()),
                s.backward().times(innerSteps).plus(q.backward()),
                FlopCount.ZERO, FlopCount.ZERO, FlopCount.ZERO).times(metaBatch);
    }

    /**
     * Reptile (Nichol et al. 2018, Alg. 1): k SGD steps on the task, each a forward and backward of
     * {@code task} (the examples of one inner step), and one forward at θ before them for the loss the step reports;
     * the outer update θ += ε(θ' − θ) is element-wise.
     */
    public static IterationFlops reptile(ForwardCost task, int innerSteps, int metaBatch) {
        return new IterationFlops(task.forward().times(innerSteps + 1), task.backward().times(innerSteps),
                FlopCount.ZERO, FlopCount.ZERO, FlopCount.ZERO).times(metaBatch);
    }

    /**
     * ANIL (Raghu et al. 2020): the body runs once on support and once on query; the k inner steps adapt
     * only the head on the support features (head forward and backward, the head's input needing a
     * gradient because the features depend on the body); the outer backward runs through the query head and
     * body, through the body on the support set, and (second order) through each inner head backward.
     * Pass heads built with {@code inputLayerMatmul = 0}.
     */
    public static IterationFlops anil(ForwardCost bodyS, ForwardCost bodyQ, ForwardCost headS, ForwardCost headQ,
                                      int innerSteps, int metaBatch, boolean secondOrder) {
        return new IterationFlops(
                bodyS.forward().plus(bodyQ.forward()).plus(headS.forward().times(innerSteps)).plus(headQ.forward()),
                headS.backward().times(innerSteps).plus(headQ.backward()).plus(bodyQ.backward()).plus(bodyS.backward()),
                secondOrder ? headS.secondOrder().times(innerSteps) : FlopCount.ZERO,
                FlopCount.ZERO, FlopCount.ZERO).times(metaBatch);
    }

    /**
     * iMAML (Rajeswaran et al. 2019, Alg. 2): k first-order inner steps on the support set and a forward and
     * backward on the query set are model FLOPs; the implicit gradient (I + H/λ)⁻¹·g_q solved by
     * {@code cgSteps} conjugate-gradient iterations is solver FLOPs: one support forward and create-graph
     * backward to build the gradient graph, then one Hessian-vector product (a back-propagation through that
     * backward, {@link ForwardCost#secondOrder()}) per CG iteration.
     */
    public static IterationFlops imaml(ForwardCost s, ForwardCost q, int innerSteps, int cgSteps, int metaBatch) {
        FlopCount solver = s.forward().plus(s.backward()).plus(s.secondOrder().times(cgSteps));
        return new IterationFlops(
                s.forward().times(innerSteps).plus(q.forward()),
                s.backward().times(innerSteps).plus(q.backward()),
                FlopCount.ZERO, FlopCount.ZERO, solver).times(metaBatch);
    }

    /**
     * Prototypical networks (Snell et al. 2017): the embedding of support and query, the prototype means
     * (one-hot [ways, n_s] · features [n_s, d]) and the query-prototype products ([q, d]·[d, ways]), and their
     * backward. {@code featureDim} is d.
     */
    public static IterationFlops protoNet(ForwardCost s, ForwardCost q, long supportSize, long querySize, int ways,
                                          long featureDim, int metaBatch) {
        FlopCount prototypes = FlopFormulas.linearForward(ways, supportSize, featureDim, false);
        FlopCount cross = FlopFormulas.linearForward(querySize, featureDim, ways, false);
        long distances = 3L * querySize * featureDim + 3L * ways * featureDim + 3L * querySize * ways;
        FlopCount head = prototypes.plus(cross).plus(FlopCount.other(distances))
                .plus(FlopFormulas.crossEntropyForward(querySize, ways));
        // the one-hot matrix needs no gradient: the prototype product's backward is one product, the cross term's two
        FlopCount headBackward = new FlopCount(prototypes.matmul() + 2 * cross.matmul(),
                FlopFormulas.crossEntropyBackward(querySize, ways).total() + distances);
        return new IterationFlops(s.forward().plus(q.forward()).plus(head),
                s.backward().plus(q.backward()).plus(headBackward),
                FlopCount.ZERO, FlopCount.ZERO, FlopCount.ZERO).times(metaBatch);
    }

    /** Fine-tuning baseline: a forward and backward over support and query together ({@code batch}). */
    public static IterationFlops fineTune(ForwardCost batch, int metaBatch) {
        return new IterationFlops(batch.forward(), batch.backward(), FlopCount.ZERO, FlopCount.ZERO, FlopCount.ZERO)
                .times(metaBatch);
    }
}

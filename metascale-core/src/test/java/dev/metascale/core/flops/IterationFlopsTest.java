package dev.metascale.core.flops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IterationFlopsTest {
    /** A two-layer MLP 10-8-3 at batch n, without biases: f0 = 2·n·10·8, f1 = 2·n·8·3. */
    private static ForwardCost mlp(long n) {
        FlopCount l0 = FlopFormulas.linearForward(n, 10, 8, false);
        FlopCount l1 = FlopFormulas.linearForward(n, 8, 3, false);
        return new ForwardCost(l0.plus(l1), l0.matmul(), 0);
    }

    @Test
    void backwardSkipsTheInputGradientOfTheFirstLayer() {
        ForwardCost c = mlp(4);
        long f0 = 2L * 4 * 10 * 8;
        long f1 = 2L * 4 * 8 * 3;
        assertEquals(f0 + 2 * f1, c.backward().matmul());
        // second order: 2 products through the input layer, 6 through every other
        assertEquals(2 * f0 + 6 * f1, c.secondOrder().matmul());
    }

    @Test
    void frozenLayersBelowTheTrainableOnesHaveNoBackward() {
        FlopCount frozen = FlopFormulas.linearForward(4, 10, 8, false);
        FlopCount trainable = FlopFormulas.linearForward(4, 8, 3, false);
        // the trainable layer reads the frozen one's output: no input gradient for it either
        ForwardCost c = new ForwardCost(frozen.plus(trainable), trainable.matmul(), 0, frozen.matmul());
        assertEquals(trainable.matmul(), c.backward().matmul());
        assertEquals(2 * trainable.matmul(), c.secondOrder().matmul());
        assertEquals(frozen.matmul() + trainable.matmul(), c.forward().matmul());
        assertEquals(c.backward().matmul() * 2, c.plus(c).backward().matmul());
    }

    @Test
    void mamlCountsInnerOuterAndSecondOrderPasses() {
        ForwardCost s = mlp(5);
        ForwardCost q = mlp(15);
        IterationFlops maml = IterationFlops.maml(s, q, 3, 2);
        assertEquals(2 * (3 * s.forward().matmul() + q.forward().matmul()), maml.forward().matmul());
        assertEquals(2 * (3 * s.backward().matmul() + q.backward().matmul()), maml.backward().matmul());
        assertEquals(2 * 3 * s.secondOrder().matmul(), maml.secondOrder().matmul());
        IterationFlops fo = IterationFlops.foMaml(s, q, 3, 2);
        assertEquals(0, fo.secondOrder().total());
        assertEquals(maml.model().total() - maml.secondOrder().total(), fo.model().total());
        assertEquals(maml.model(), maml.total());
    }

    @Test
    void theSolverIsModelWorkAndRecomputeIsNot() {
        ForwardCost s = mlp(5);
        ForwardCost q = mlp(15);
        IterationFlops imaml = IterationFlops.imaml(s, q, 3, 4, 1);
        assertEquals(s.forward().plus(s.backward()).plus(s.secondOrder().times(4)), imaml.solver());
        // iMAML's CG Hessian-vector products are its meta-gradient, as the second-order term is MAML's: in flops_per_iter
        assertEquals(IterationFlops.foMaml(s, q, 3, 1).model().plus(imaml.solver()), imaml.model());
        assertEquals(imaml.model(), imaml.total());
        IterationFlops checkpointed = IterationFlops.maml(s, q, 3, 1).withRecompute(s.forward());
        assertEquals(IterationFlops.maml(s, q, 3, 1).model(), checkpointed.model());
        assertEquals(checkpointed.model().plus(s.forward()), checkpointed.total());
    }
}

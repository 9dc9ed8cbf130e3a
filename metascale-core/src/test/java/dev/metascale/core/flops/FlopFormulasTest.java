package dev.metascale.core.flops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlopFormulasTest {

    @Test
    void linearForwardAndBackwardMatchHandCount() {
        // x [32, 784] · Wᵀ [784, 256] + b: 32·256 outputs, each 784 FMAs = 2·784 FLOPs, plus one bias add
        FlopCount fwd = FlopFormulas.linearForward(32, 784, 256, true);
        assertEquals(2L * 32 * 784 * 256, fwd.matmul());
        assertEquals(32L * 256, fwd.other());
        // dW = dYᵀ x and dx = dY W: two products of the forward's size; db = column sums
        FlopCount bwd = FlopFormulas.linearBackward(32, 784, 256, true, true);
        assertEquals(4L * 32 * 784 * 256, bwd.matmul());
        assertEquals(32L * 256, bwd.other());
        assertEquals(2L * 32 * 784 * 256, FlopFormulas.linearBackward(32, 784, 256, true, false).matmul());
        assertEquals(0, FlopFormulas.linearForward(32, 784, 256, false).other());
    }

    @Test
    void conv2dForwardAndBackwardMatchHandCount() {
        // 3×3 conv, 64 → 64 channels, 14×14 maps with padding 1, batch 5: each output 64·9 FMAs
        long oh = FlopFormulas.outputSize(14, 3, 1, 1);
        assertEquals(14, oh);
        FlopCount fwd = FlopFormulas.conv2dForward(5, 64, 64, oh, oh, 3, 3, 1, false);
        long outputs = 5L * 64 * 14 * 14;
        assertEquals(outputs * 64 * 9 * 2, fwd.matmul());
        assertEquals(0, fwd.other());
        assertEquals(2 * outputs * 64 * 9 * 2, FlopFormulas.conv2dBackward(5, 64, 64, oh, oh, 3, 3, 1, false, true).matmul());
        assertEquals(outputs * 64 * 9 * 2, FlopFormulas.conv2dBackward(5, 64, 64, oh, oh, 3, 3, 1, false, false).matmul());
        // depthwise: groups = channels leaves one input channel per filter
        assertEquals(outputs * 9 * 2, FlopFormulas.conv2dForward(5, 64, 64, oh, oh, 3, 3, 64, false).matmul());
        assertEquals(outputs, FlopFormulas.conv2dForward(5, 64, 64, oh, oh, 3, 3, 1, true).other());
        assertEquals(13, FlopFormulas.outputSize(28, 3, 2, 0));
    }

    @Test
    void attentionForwardAndBackwardMatchHandCount() {
        // 2 sequences × 4 heads, 10 queries over 12 keys, width 16
        long bh = 8;
        FlopCount fwd = FlopFormulas.attentionForward(bh, 10, 12, 16);
        long qk = 2L * bh * 10 * 12 * 16;   // S = Q·Kᵀ
        long av = 2L * bh * 10 * 12 * 16;   // O = A·V
        assertEquals(qk + av, fwd.matmul());
        assertEquals(6L * bh * 10 * 12, fwd.other());
        FlopCount bwd = FlopFormulas.attentionBackward(bh, 10, 12, 16);
        assertEquals(2 * qk + 2 * av, bwd.matmul());
        assertEquals(5L * bh * 10 * 12, bwd.other());
    }

    @Test
    void elementwiseOperations() {
        assertEquals(7 * 100, FlopFormulas.batchNormForward(100).total());
        assertEquals(8 * 100, FlopFormulas.batchNormBackward(100).total());
        assertEquals(100, FlopFormulas.reluForward(100).total());
        assertEquals(3 * 25, FlopFormulas.maxPoolForward(25, 2).total());
        assertEquals(4 * 75 * 5 + 2 * 75, FlopFormulas.crossEntropyForward(75, 5).total());
        assertEquals(2 * 75 * 5, FlopFormulas.crossEntropyBackward(75, 5).total());
    }

    @Test
    void countsAreNonNegative() {
        assertThrows(IllegalArgumentException.class, () -> new FlopCount(-1, 0));
    }
}

package dev.metascale.engine.model.bert;

import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The functional encoder on a tiny random BERT: shapes, masking, gradients, counts. */
class BertEncoderTest {
    static final BertConfig TINY = new BertConfig(50, 16, 2, 4, 32, 20, 2, 1e-12);

    @Test
    void parameterCountMatchesTheInitialisedSetAndMiniLmHas22Point6Million() {
        BertEncoder encoder = new BertEncoder("tiny", TINY, true, 8);
        try (PointerScope scope = new PointerScope()) {
            ParamSet p = encoder.init(1, 0, torch.ScalarType.Float);
            assertEquals(TINY.parameterCount(), p.count());
            assertEquals(BertWeights.parameterNames(TINY), p.names());
            ParamSet withHead = encoder.init(1, 5, torch.ScalarType.Float);
            assertEquals(TINY.parameterCount() + 16 * 5 + 5, withHead.count());
        }
        // 22,713,216 with the pooler that the ONNX file does not carry; 102 initializers less position_ids.
        assertEquals(22_565_376L, BertConfig.MINILM_L6.parameterCount());
    }

    @Test
    void paddingIsMaskedOutOfAttentionAndPoolingAndFeaturesAreUnitVectors() {
        BertEncoder encoder = new BertEncoder("tiny", TINY, true, 8);
        try (PointerScope scope = new PointerScope()) {
            ParamSet p = encoder.init(3, 0, torch.ScalarType.Float);
            Tensor padded = ArrayTensors.longs(new long[]{5, 7, 9, 0, 0, 0, 4, 8, 12, 13, 14, 15}, 2, 6);
            Tensor alone = ArrayTensors.longs(new long[]{5, 7, 9}, 1, 3);
            double[] batch = ArrayTensors.toDoubles(encoder.features(p, padded));
            double[] single = ArrayTensors.toDoubles(encoder.features(p, alone));
            for (int j = 0; j < 16; j++) {
                assertEquals(single[j], batch[j], 1e-5, "padding changed feature " + j);
            }
            double norm = 0;
            for (int j = 16; j < 32; j++) {
                norm += batch[j] * batch[j];
            }
            assertEquals(1.0, norm, 1e-5);
            assertArrayEquals(new long[]{2, 6, 16}, encoder.lastHiddenState(p, padded, null).sizes().vec().get());
        }
    }

    @Test
    void gradientReachesEveryParameter() {
        BertEncoder encoder = new BertEncoder("tiny", TINY, false, 8);
        try (PointerScope scope = new PointerScope()) {
            ParamSet p = encoder.init(5, 3, torch.ScalarType.Float);
            Tensor ids = ArrayTensors.longs(new long[]{1, 2, 3, 4, 0, 5, 6, 7, 8, 9}, 2, 5);
            Tensor loss = encoder.logits(p, ids).pow(new org.bytedeco.pytorch.Scalar(2)).sum();
            TensorVector grads = torch.grad(new TensorVector(loss), p.vector(), new TensorVector(),
                    new org.bytedeco.pytorch.BoolOptional(false), false, false);
            for (int i = 0; i < p.size(); i++) {
                Tensor g = new Tensor(grads.get(i));
                String name = p.names().get(i);
                if (name.equals("embeddings.token_type_embeddings.weight")) {
                    // only row 0 (segment 0) is used
                    assertTrue(g.select(0, 0).abs().sum().item_double() > 0, name);
                    assertEquals(0.0, g.select(0, 1).abs().sum().item_double(), name);
                } else {
                    assertTrue(g.abs().sum().item_double() > 0, "no gradient reaches " + name);
                }
            }
        }
    }

    @Test
    void flopsFollowTheFormulaAndRejectOverlongInput() {
        BertEncoder encoder = new BertEncoder("tiny", TINY, true, 8);
        long d = 16;
        long perLayer = 8 * (8 * d * d + 4 * d * 32) + 4 * 64 * d;
        assertEquals(3 * (2 * perLayer + 2 * d * 5), encoder.forwardFlops(3, 5).getAsLong());
        assertEquals(encoder.forwardFlops(3, 8, 5), encoder.forwardFlops(3, 5).getAsLong());
        try (PointerScope scope = new PointerScope()) {
            ParamSet p = encoder.init(1, 0, torch.ScalarType.Float);
            Tensor tooLong = ArrayTensors.longs(new long[21], 1, 21);
            assertThrows(IllegalArgumentException.class, () -> encoder.features(p, tooLong));
        }
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(50, 15, 1, 4, 8, 8, 1, 1e-12));
    }
}

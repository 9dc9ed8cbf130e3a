package dev.metascale.engine.model.bert;

import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The real all-MiniLM-L6-v2 ONNX file: every initializer read, every anonymous matrix named. */
class MiniLmWeightsTest {

    @Test
    void allInitializersLoadAndEveryMatMulWeightIsNamedByItsBias() {
        OnnxGraph graph = MiniLm.readGraph();
        assertEquals(102, graph.initializers().size());
        assertEquals(22_565_888L, graph.initializerValues());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), graph.inputs());
        assertEquals(List.of("last_hidden_state"), graph.outputs());
        long anonymous = graph.initializers().keySet().stream().filter(n -> n.startsWith("onnx::MatMul")).count();
        assertEquals(36, anonymous);

        Map<String, OnnxTensor> named = BertWeights.resolveNames(graph);
        assertFalse(named.keySet().stream().anyMatch(n -> n.startsWith("onnx::")));
        // 101 float parameters: all but the int64 embeddings.position_ids
        assertEquals(101, named.size());
        assertEquals(BertWeights.parameterNames(BertConfig.MINILM_L6).size(), named.size());

        // layer 0's query matrix: the first MatMul on the embeddings' LayerNorm output, transposed
        String anonymousQuery = graph.nodes().stream()
                .filter(n -> n.opType().equals("MatMul") && n.outputs().get(0).contains("layer.0/attention/self/query"))
                .findFirst().orElseThrow().inputs().get(1);
        float[] stored = graph.initializers().get(anonymousQuery).floats(); // [in, out]
        try (PointerScope scope = new PointerScope()) {
            ParamSet p = BertWeights.fromOnnx(graph, BertConfig.MINILM_L6);
            assertEquals(22_565_376L, p.count());
            double[] w = ArrayTensors.toDoubles(p.get("encoder.layer.0.attention.self.query.weight")); // [out, in]
            for (int[] rc : new int[][]{{0, 0}, {3, 17}, {383, 1}, {200, 311}}) {
                assertEquals(stored[rc[0] * 384 + rc[1]], w[rc[1] * 384 + rc[0]], 0.0);
            }
            assertArrayEquals(new long[]{1536, 384},
                    p.get("encoder.layer.5.intermediate.dense.weight").sizes().vec().get());
        }
    }
}

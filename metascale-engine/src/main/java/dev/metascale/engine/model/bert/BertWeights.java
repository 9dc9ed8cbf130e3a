package dev.metascale.engine.model.bert;

import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the initializers of an ONNX export of a Hugging Face BERT onto {@link BertEncoder}'s
 * parameter names (the Hugging Face names, e.g. {@code encoder.layer.0.attention.self.query.weight}).
 *
 * <p>Embeddings, biases and LayerNorm parameters keep their names in the export. The dense weight
 * matrices are anonymous ({@code onnx::MatMul_787}, stored [in, out]): each feeds one {@code MatMul}
 * whose output goes into an {@code Add} with the named bias, so {@code <layer>.bias} names the
 * matrix {@code <layer>.weight}. Matrices are transposed to PyTorch's {@code nn.Linear} layout
 * [out, in] so that {@code torch.linear(x, W, b)} applies them.
 */
public final class BertWeights {
    private BertWeights() {
    }

    /** The names of every parameter of an encoder of this shape, in the encoder's order. */
    public static List<String> parameterNames(BertConfig config) {
        List<String> names = new ArrayList<>(List.of(
                "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int i = 0; i < config.layers(); i++) {
            String l = "encoder.layer." + i + ".";
            for (String dense : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                names.add(l + dense + ".weight");
                names.add(l + dense + ".bias");
            }
            names.add(l + "attention.output.LayerNorm.weight");
            names.add(l + "attention.output.LayerNorm.bias");
            names.add(l + "intermediate.dense.weight");
            names.add(l + "intermediate.dense.bias");
            names.add(l + "output.dense.weight");
            names.add(l + "output.dense.bias");
            names.add(l + "output.LayerNorm.weight");
            names.add(l + "output.LayerNorm.bias");
        }
        return names;
    }

    /**
     * The named float initializers of {@code graph}: named ones as they are, anonymous MatMul
     * weights under the name their bias gives them, transposed to [out, in]. Non-float initializers
     * (such as the int64 {@code embeddings.position_ids}) are left out.
     */
    public static Map<String, OnnxTensor> resolveNames(OnnxGraph graph) {
        Map<String, OnnxTensor> named = new LinkedHashMap<>();
        for (OnnxTensor t : graph.initializers().values()) {
            if (t.dataType() == OnnxTensor.FLOAT && !t.name().startsWith("onnx::")) {
                named.put(t.name(), t);
            }
        }
        for (OnnxNode node : graph.nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            OnnxTensor weight = graph.initializers().get(node.inputs().get(1));
            if (weight == null) {
                continue; // activation × activation (attention scores)
            }
            String bias = null;
            for (OnnxNode add : graph.consumers(node.outputs().get(0))) {
                if (add.opType().equals("Add")) {
                    for (String in : add.inputs()) {
                        if (in.endsWith(".bias") && graph.initializers().containsKey(in)) {
                            bias = in;
                        }
                    }
                }
            }
            if (bias == null) {
                throw new IllegalStateException("MatMul weight '" + weight.name() + "' feeds no Add with a named"
                        + " bias, so it cannot be named; the file is not a Hugging Face BERT export this loader knows");
            }
            String name = bias.substring(0, bias.length() - "bias".length()) + "weight";
            if (weight.dims().length != 2) {
                throw new IllegalStateException("MatMul weight '" + weight.name() + "' (" + name + ") is not 2-D");
            }
            named.put(name, transpose(weight, name));
        }
        return named;
    }

    /**
     * A ParamSet in {@link #parameterNames} order from an ONNX BERT export, checking every shape
     * against {@code config}. The tensors are float32 leaves that require grad and outlive any
     * pointer scope (as {@link dev.metascale.engine.model.Model#init} promises for fresh ones).
     */
    public static ParamSet fromOnnx(OnnxGraph graph, BertConfig config) {
        Map<String, OnnxTensor> named = resolveNames(graph);
        Map<String, long[]> shapes = shapes(config);
        List<String> names = parameterNames(config);
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            if (!named.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the ONNX file lacks " + missing.size() + " BERT parameters for " + config
                    + ", e.g. " + missing.subList(0, Math.min(5, missing.size()))
                    + "; check that the config matches the file (layers, width)");
        }
        List<Tensor> tensors = new ArrayList<>(names.size());
        for (String n : names) {
            OnnxTensor t = named.get(n);
            if (!java.util.Arrays.equals(t.dims(), shapes.get(n))) {
                throw new IllegalStateException("parameter " + n + " has shape " + java.util.Arrays.toString(t.dims())
                        + " in the ONNX file but " + java.util.Arrays.toString(shapes.get(n)) + " in " + config);
            }
            Tensor tensor = ArrayTensors.floats(t.floats(), t.dims());
            tensor.requires_grad_(true);
            tensor.retainReference();
            tensors.add(tensor);
        }
        return new ParamSet(names, tensors);
    }

    /** Expected shape of every parameter, PyTorch layout. */
    static Map<String, long[]> shapes(BertConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.hidden();
        long ff = c.intermediate();
        s.put("embeddings.word_embeddings.weight", new long[]{c.vocabSize(), d});
        s.put("embeddings.position_embeddings.weight", new long[]{c.maxPositions(), d});
        s.put("embeddings.token_type_embeddings.weight", new long[]{c.typeVocabSize(), d});
        s.put("embeddings.LayerNorm.weight", new long[]{d});
        s.put("embeddings.LayerNorm.bias", new long[]{d});
        for (int i = 0; i < c.layers(); i++) {
            String l = "encoder.layer." + i + ".";
            for (String dense : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                s.put(l + dense + ".weight", new long[]{d, d});
                s.put(l + dense + ".bias", new long[]{d});
            }
            for (String ln : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
                s.put(l + ln + ".weight", new long[]{d});
                s.put(l + ln + ".bias", new long[]{d});
            }
            s.put(l + "intermediate.dense.weight", new long[]{ff, d});
            s.put(l + "intermediate.dense.bias", new long[]{ff});
            s.put(l + "output.dense.weight", new long[]{d, ff});
            s.put(l + "output.dense.bias", new long[]{d});
        }
        return s;
    }

    private static OnnxTensor transpose(OnnxTensor t, String name) {
        int rows = (int) t.dims()[0];
        int cols = (int) t.dims()[1];
        float[] in = t.floats();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(out.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(out);
        return new OnnxTensor(name, new long[]{cols, rows}, OnnxTensor.FLOAT, b.array());
    }
}

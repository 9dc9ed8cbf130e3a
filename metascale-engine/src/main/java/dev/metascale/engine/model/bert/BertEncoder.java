package dev.metascale.engine.model.bert;

import dev.metascale.engine.model.BlockHook;
import dev.metascale.engine.model.BlockShape;
import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TrialDevice;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A functional BERT encoder with mean pooling: the sentence encoder of Sentence-BERT
 * (Reimers &amp; Gurevych 2019, §3, MEAN strategy) over BERT (Devlin et al. 2019) — all-MiniLM-L6-v2 is
 * one of these. Weights come in a {@link ParamSet} under Hugging Face's names (see {@link BertWeights}).
 *
 * <p>Input: int64 token ids {@code x} [n, L]; id 0 ([PAD]) marks padding and is masked out of
 * attention and pooling; all tokens have segment (token type) 0. With mask {@code m_t = [x_t ≠ 0]}:
 * <pre>
 *   h⁰_t = LN(E_word[x_t] + E_pos[t] + E_type[0])
 *   per layer (post-LN Transformer, Vaswani et al. 2017, eq. 1 and §3.2.2):
 *     A    = softmax(Q Kᵀ / √d_h + (m − 1)·3.4e38) V      per head, Q = h W_qᵀ + b_q, ...
 *     h'   = LN(h + A W_oᵀ + b_o)
 *     h    = LN(h' + GELU(h' W_1ᵀ + b_1) W_2ᵀ + b_2)       (exact, erf-based GELU)
 *   e = Σ_t m_t h_t / max(Σ_t m_t, 1e-9)                  (attention-masked mean)
 *   features = e / max(‖e‖₂, 1e-12)                      (when normalising)
 * </pre>
 *
 * <p><b>Normalisation.</b> {@link #features} returns the L2-normalised embedding when constructed
 * with {@code normalize = true} (as {@link MiniLm} does): that is the sentence embedding the
 * sentence-transformers model defines (its pipeline ends in a Normalize module) and the one trained
 * for cosine similarity, so ProtoNet distances and linear probes see the geometry the model was
 * trained for. Use {@code normalize = false} for the raw mean-pooled vector.
 *
 * <p>FLOPs are counted for a nominal sequence length ({@link #nominalLength()}) because
 * {@link #forwardFlops} is given only a batch size; {@link #forwardFlops(long, long, int)} takes the length.
 */
public final class BertEncoder implements Model {
    /** Additive attention mask for padding: PyTorch's {@code finfo(float32).min}, as the ONNX export uses. */
    private static final double MASK_VALUE = -3.4028234663852886e38;
    private static final double INIT_STD = 0.02;

    private final String name;
    private final BertConfig config;
    private final boolean normalize;
    private final int nominalLength;

    /**
     * @param name          model name with size, e.g. {@code minilm-l6}
     * @param normalize     whether {@link #features} L2-normalises the pooled embedding
     * @param nominalLength sequence length (with [CLS] and [SEP]) assumed by {@link #forwardFlops(long, int)}
     */
    public BertEncoder(String name, BertConfig config, boolean normalize, int nominalLength) {
        if (nominalLength < 1 || nominalLength > config.maxPositions()) {
            throw new IllegalArgumentException("nominal length must be in 1.." + config.maxPositions() + ", got " + nominalLength);
        }
        this.name = name;
        this.config = config;
        this.normalize = normalize;
        this.nominalLength = nominalLength;
    }

    public BertConfig config() {
        return config;
    }

    public boolean normalizes() {
        return normalize;
    }

    public int nominalLength() {
        return nominalLength;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int featureDim() {
        return config.hidden();
    }

    /**
     * Randomly initialised weights as BERT initialises them (Devlin et al. 2019, via Hugging Face's
     * {@code _init_weights}): embeddings and dense weights N(0, 0.02²), biases 0, LayerNorm γ = 1, β = 0.
     * The pretrained weights come from {@link MiniLm#load()}.
     */
    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        torch.manual_seed(seed);
        List<String> names = BertWeights.parameterNames(config);
        var shapes = BertWeights.shapes(config);
        List<Tensor> tensors = new ArrayList<>(names.size());
        for (String n : names) {
            long[] shape = shapes.get(n);
            Tensor t;
            if (n.contains("LayerNorm.weight")) {
                t = torch.ones(shape, TrialDevice.options(dtype));
            } else if (n.endsWith(".bias")) {
                t = torch.zeros(shape, TrialDevice.options(dtype));
            } else {
                t = torch.randn(shape, TrialDevice.options(dtype)).mul_(new Scalar(INIT_STD));
            }
            t.requires_grad_(true);
            t.retainReference();
            tensors.add(t);
        }
        ParamSet body = new ParamSet(names, tensors);
        return outputs > 0 ? body.with(LinearHead.create(featureDim(), outputs, dtype, false)) : body;
    }

    /** Sentence embeddings [n, hidden] of token ids [n, L] (int64, 0 = padding); see the class comment. */
    @Override
    public Tensor features(ParamSet params, Tensor tokenIds) {
        return features(params, tokenIds, BlockHook.IDENTITY);
    }

    /** As {@link #features(ParamSet, Tensor)}, with {@code hook} applied to the output of every Transformer layer. */
    @Override
    public Tensor features(ParamSet params, Tensor tokenIds, BlockHook hook) {
        Tensor mask = paddingMask(tokenIds, params);
        Tensor pooled = meanPool(lastHiddenState(params, tokenIds, null, hook), mask);
        return normalize ? l2Normalize(pooled) : pooled;
    }

    /** One block per Transformer layer: token sequences [n, L, hidden] ({@link #nominalLength()} positions assumed). */
    @Override
    public List<BlockShape> blocks() {
        List<BlockShape> shapes = new ArrayList<>(config.layers());
        for (int i = 0; i < config.layers(); i++) {
            shapes.add(BlockShape.tokens(config.hidden(), nominalLength));
        }
        return shapes;
    }

    /**
     * The encoder's last hidden state [n, L, hidden] (ONNX output {@code last_hidden_state}).
     *
     * @param tokenTypeIds int64 [n, L] segment ids, or null for all zeros
     */
    public Tensor lastHiddenState(ParamSet p, Tensor tokenIds, Tensor tokenTypeIds) {
        return lastHiddenState(p, tokenIds, tokenTypeIds, BlockHook.IDENTITY);
    }

    /** As {@link #lastHiddenState(ParamSet, Tensor, Tensor)}, with {@code hook} applied to each layer's output. */
    public Tensor lastHiddenState(ParamSet p, Tensor tokenIds, Tensor tokenTypeIds, BlockHook hook) {
        if (tokenIds.dim() != 2) {
            throw new IllegalArgumentException("BERT takes token ids [n, L], got " + tokenIds.dim() + " dimensions");
        }
        long n = tokenIds.size(0);
        long length = tokenIds.size(1);
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds the " + config.maxPositions()
                    + " learned positions; truncate when tokenizing");
        }
        Tensor word = p.get("embeddings.word_embeddings.weight");
        Tensor positions = torch.arange(new Scalar(length), TrialDevice.options(torch.ScalarType.Long));
        Tensor types = tokenTypeIds == null
                ? p.get("embeddings.token_type_embeddings.weight").select(0, 0)
                : torch.embedding(p.get("embeddings.token_type_embeddings.weight"), tokenTypeIds);
        Tensor x = torch.embedding(word, tokenIds)
                .add(torch.embedding(p.get("embeddings.position_embeddings.weight"), positions))
                .add(types);
        x = layerNorm(p, "embeddings.LayerNorm", x);
        Tensor additiveMask = paddingMask(tokenIds, p).sub(new Scalar(1)).mul(new Scalar(-MASK_VALUE))
                .reshape(n, 1, 1, length);
        int heads = config.heads();
        int headDim = config.headDim();
        double scale = Math.sqrt(headDim);
        for (int i = 0; i < config.layers(); i++) {
            String l = "encoder.layer." + i + ".";
            Tensor q = splitHeads(linear(p, l + "attention.self.query", x), n, length, heads, headDim);
            Tensor k = splitHeads(linear(p, l + "attention.self.key", x), n, length, heads, headDim);
            Tensor v = splitHeads(linear(p, l + "attention.self.value", x), n, length, heads, headDim);
            Tensor scores = q.matmul(k.transpose(-2, -1)).div(new Scalar(scale)).add(additiveMask);
            Tensor context = torch.softmax(scores, -1).matmul(v).transpose(1, 2).reshape(n, length, config.hidden());
            x = layerNorm(p, l + "attention.output.LayerNorm", x.add(linear(p, l + "attention.output.dense", context)));
            Tensor inner = torch.gelu(linear(p, l + "intermediate.dense", x));
            x = layerNorm(p, l + "output.LayerNorm", x.add(linear(p, l + "output.dense", inner)));
            x = hook.apply(i, x);
        }
        return x;
    }

    /** Mask [n, L] in the parameters' dtype: 1 for tokens, 0 for padding (id 0). */
    public static Tensor paddingMask(Tensor tokenIds, ParamSet params) {
        return tokenIds.ne(new Scalar(0)).to(params.get("embeddings.word_embeddings.weight").scalar_type());
    }

    /** Attention-masked mean over tokens: {@code Σ_t m_t h_t / max(Σ_t m_t, 1e-9)}, [n, hidden]. */
    public static Tensor meanPool(Tensor hidden, Tensor mask) {
        Tensor m = mask.unsqueeze(-1);
        Tensor summed = hidden.mul(m).sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor counts = m.sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).clamp_min(new Scalar(1e-9));
        return summed.div(counts);
    }

    /** {@code e / max(‖e‖₂, 1e-12)} row-wise (PyTorch's F.normalize). */
    public static Tensor l2Normalize(Tensor e) {
        Tensor norms = torch.linalg_vector_norm(e, new Scalar(2.0), new long[]{-1}, true,
                new org.bytedeco.pytorch.ScalarTypeOptional()).clamp_min(new Scalar(1e-12));
        return e.div(norms);
    }

    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return OptionalLong.of(forwardFlops(batch, nominalLength, outputs));
    }

    /**
     * Multiply-add FLOPs (FMA = 2) of {@link #logits} (or {@link #features} when {@code outputs} is 0)
     * for {@code batch} sequences of {@code length} tokens: per layer and token, the Q, K, V and
     * output projections 4·2d² and the feed-forward 2·2·d·I; per layer and sequence, scores and
     * context 2·2·L²·d; the head 2·d·outputs per sequence. Embedding lookups, LayerNorm, softmax,
     * GELU and pooling (O(L·d)) are not counted.
     */
    public long forwardFlops(long batch, long length, int outputs) {
        long d = config.hidden();
        return batch * (config.layers() * layerFlops(length) + 2 * d * outputs);
    }

    /** FLOPs of one Transformer layer for one sequence of {@code length} tokens (as {@link #forwardFlops(long, long, int)}). */
    public long layerFlops(long length) {
        long d = config.hidden();
        return length * (8 * d * d + 4 * d * config.intermediate()) + 4 * length * length * d;
    }

    /** FLOPs of one layer's Q, K and V projections for one sequence: the products that read the layer's input. */
    public long inputProjectionFlops(long length) {
        long d = config.hidden();
        return length * 6 * d * d;
    }

    private static Tensor linear(ParamSet p, String prefix, Tensor x) {
        return torch.linear(x, p.get(prefix + ".weight"), new TensorOptional(p.get(prefix + ".bias")));
    }

    private Tensor layerNorm(ParamSet p, String prefix, Tensor x) {
        return torch.layer_norm(x, new long[]{config.hidden()}, new TensorOptional(p.get(prefix + ".weight")),
                new TensorOptional(p.get(prefix + ".bias")), config.layerNormEps(), false);
    }

    private static Tensor splitHeads(Tensor x, long n, long length, int heads, int headDim) {
        return x.reshape(n, length, heads, headDim).transpose(1, 2);
    }
}

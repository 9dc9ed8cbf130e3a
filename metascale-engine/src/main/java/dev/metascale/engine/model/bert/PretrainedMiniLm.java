package dev.metascale.engine.model.bert;

import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.ForwardCost;
import dev.metascale.engine.model.BlockHook;
import dev.metascale.engine.model.BlockShape;
import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The suite model {@code minilm}: the pretrained all-MiniLM-L6-v2 ({@link MiniLm}) as a {@link Model}
 * whose {@link #init} starts from the pretrained weights instead of a random draw, so that every
 * learner (MAML, FOMAML, ANIL, ProtoNet, the fine-tuning, linear-probe, LoRA and adapter baselines)
 * meta-trains or fine-tunes the foundation model. Features are the L2-normalised mean-pooled
 * sentence embeddings (width 384) of token ids [n, L].
 *
 * <p><b>Frozen lower layers</b> ({@code model.frozen_layers: k}, 0 ≤ k ≤ 5): with k &gt; 0 the
 * embeddings and the lowest k Transformer layers are held constant — they are not in the
 * {@link ParamSet} that {@link #init} returns, so no learner adapts or trains them and no gradient
 * is computed for them — and only the top 6 − k layers (and a head) are learnt (as in the
 * "freeze the bottom layers" fine-tuning of Howard &amp; Ruder 2018 and Lee et al. 2019, "What
 * would Elsa do? Freezing layers during Transformer fine-tuning"). k = 0 trains everything,
 * embeddings included (22.7 M parameters); k = 5 learns the top layer (1.8 M) and a head.
 *
 * <p>The pretrained weights are read once per process and shared (read-only); {@link #init} returns
 * fresh copies of the trainable ones.
 */
public final class PretrainedMiniLm implements Model {
    private static MiniLm loaded;

    private final MiniLm minilm;
    private final BertEncoder encoder;
    private final int frozenLayers;
    private final ParamSet frozen;
    private final ParamSet trainable;

    /**
     * @param frozenLayers lower Transformer layers held constant (with the embeddings when &gt; 0), 0..5
     * @throws IllegalArgumentException for a count outside 0..5
     */
    public PretrainedMiniLm(int frozenLayers) {
        this(shared(), frozenLayers);
    }

    PretrainedMiniLm(MiniLm minilm, int frozenLayers) {
        int layers = minilm.encoder().config().layers();
        if (frozenLayers < 0 || frozenLayers >= layers) {
            throw new IllegalArgumentException("model.frozen_layers must be in 0.." + (layers - 1) + " for minilm (it has " + layers
                    + " Transformer layers), got " + frozenLayers);
        }
        this.minilm = minilm;
        this.encoder = minilm.encoder();
        this.frozenLayers = frozenLayers;
        List<String> frozenNames = new ArrayList<>();
        List<Tensor> frozenTensors = new ArrayList<>();
        List<String> trainNames = new ArrayList<>();
        List<Tensor> trainTensors = new ArrayList<>();
        ParamSet p = minilm.params();
        for (int i = 0; i < p.size(); i++) {
            String name = p.names().get(i);
            if (isFrozen(name, frozenLayers)) {
                Tensor t = p.tensors().get(i).detach();
                t.retainReference();
                frozenNames.add(name);
                frozenTensors.add(t);
            } else {
                trainNames.add(name);
                trainTensors.add(p.tensors().get(i));
            }
        }
        this.frozen = new ParamSet(frozenNames, frozenTensors);
        this.trainable = new ParamSet(trainNames, trainTensors);
    }

    /** The pretrained model of this process (read on first use, ~1.5 s). */
    public static synchronized MiniLm shared() {
        if (loaded == null) {
            loaded = MiniLm.load();
        }
        return loaded;
    }

    /** Whether parameter {@code name} is held constant when the lowest {@code k} layers are frozen. */
    static boolean isFrozen(String name, int k) {
        if (k == 0) {
            return false;
        }
        if (name.startsWith("embeddings.")) {
            return true;
        }
        String prefix = "encoder.layer.";
        if (name.startsWith(prefix)) {
            int layer = Integer.parseInt(name.substring(prefix.length(), name.indexOf('.', prefix.length())));
            return layer < k;
        }
        return false;
    }

    public int frozenLayers() {
        return frozenLayers;
    }

    /** The pretrained encoder and tokenizer this model starts from. */
    public MiniLm minilm() {
        return minilm;
    }

    @Override
    public String name() {
        return frozenLayers == 0 ? "minilm-l6" : "minilm-l6-frozen" + frozenLayers;
    }

    @Override
    public int featureDim() {
        return encoder.featureDim();
    }

    /**
     * Copies of the pretrained trainable weights (leaves that require grad, in {@code dtype}) and, when
     * {@code outputs} &gt; 0, a fresh head drawn from libtorch's generator seeded with {@code seed}
     * (uniform in ±1/√384, as {@link LinearHead#create} draws it).
     */
    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        ParamSet body = trainable.map((name, t) -> {
            Tensor copy = t.detach().to(dtype).clone();
            copy.requires_grad_(true);
            copy.retainReference();
            return copy;
        });
        if (outputs <= 0) {
            return body;
        }
        torch.manual_seed(seed);
        return body.with(LinearHead.create(featureDim(), outputs, dtype, false));
    }

    @Override
    public Tensor features(ParamSet params, Tensor tokenIds) {
        return encoder.features(frozen.with(params), tokenIds);
    }

    @Override
    public Tensor features(ParamSet params, Tensor tokenIds, BlockHook hook) {
        return encoder.features(frozen.with(params), tokenIds, hook);
    }

    @Override
    public List<BlockShape> blocks() {
        return encoder.blocks();
    }

    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return encoder.forwardFlops(batch, outputs);
    }

    /**
     * The forward FLOPs (every product, {@link BertEncoder#forwardFlops(long, int)}) and what back-propagation
     * skips: with k frozen layers, the embeddings and those layers get no gradient at all, and the first trainable
     * layer's Q, K and V projections need no input gradient (their input is the frozen output). With k = 0 the
     * embeddings are trained, so every product has both gradients.
     */
    public ForwardCost forwardCost(long batch, int outputs) {
        long total = encoder.forwardFlops(batch, outputs).getAsLong();
        long length = encoder.nominalLength();
        long frozenMatmul = frozenLayers * batch * encoder.layerFlops(length);
        long inputLayer = frozenLayers > 0 ? batch * encoder.inputProjectionFlops(length) : 0;
        return new ForwardCost(new FlopCount(total, 0), inputLayer, 0, frozenMatmul);
    }
}

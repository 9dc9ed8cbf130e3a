package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Bottleneck adapters (Houlsby et al., "Parameter-Efficient Transfer Learning for NLP", ICML 2019,
 * sec. 2.1, Fig. 2) as a wrapper of any model that lists its {@link Model#blocks}: after every
 * block, at every position, the width-C activation h becomes
 * <pre>  h ← h + W_up · ReLU(W_down · h + b_down) + b_up,   W_down ∈ R^{m×C},  W_up ∈ R^{C×m} = 0,  b_up = 0</pre>
 * (for a feature map, at every pixel over the channels: a 1×1 convolution, as in Rebuffi et al.'s
 * residual adapters, NeurIPS 2017). The zero up-projection makes the adapted model compute exactly
 * the base model at initialisation. Parameters are named {@code adapter.B.down.weight} etc.
 */
public final class Adapters implements Model {
    private final Model base;
    private final int bottleneck;
    private final List<BlockShape> blocks;

    public Adapters(Model base, int bottleneck) {
        if (bottleneck < 1) {
            throw new IllegalArgumentException("adapter bottleneck must be at least 1, got " + bottleneck + " (algorithm.adapter_size)");
        }
        this.blocks = base.blocks();
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("model " + base.name() + " lists no blocks to put adapters after; "
                    + "use conv4, mlp, resnet12 or vit, or the lora baseline");
        }
        this.base = base;
        this.bottleneck = bottleneck;
    }

    @Override
    public String name() {
        return base.name() + "+adapter" + bottleneck;
    }

    @Override
    public int featureDim() {
        return base.featureDim();
    }

    /** Fresh adapters only: down-projection uniform in ±1/√C (nn.Linear), up-projection and biases zero. */
    public ParamSet initAdapters(torch.ScalarType dtype) {
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            int c = blocks.get(b).width();
            String p = "adapter." + b;
            names.add(p + ".down.weight");
            tensors.add(Init.leaf(Init.uniform(new long[]{bottleneck, c}, 1.0 / Math.sqrt(c), dtype)));
            names.add(p + ".down.bias");
            tensors.add(Init.leaf(Init.constant(new long[]{bottleneck}, 0.0, dtype)));
            names.add(p + ".up.weight");
            tensors.add(Init.leaf(Init.constant(new long[]{c, bottleneck}, 0.0, dtype)));
            names.add(p + ".up.bias");
            tensors.add(Init.leaf(Init.constant(new long[]{c}, 0.0, dtype)));
        }
        return new ParamSet(names, tensors);
    }

    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        return base.init(seed, outputs, dtype).with(initAdapters(dtype));
    }

    private Tensor adapt(ParamSet p, int block, Tensor h) {
        int channelDim = blocks.get(block).channelDim();
        boolean last = channelDim == h.dim() - 1;
        Tensor x = last ? h : h.movedim(channelDim, -1);
        String n = "adapter." + block;
        Tensor down = torch.relu(torch.linear(x, p.get(n + ".down.weight"), new TensorOptional(p.get(n + ".down.bias"))));
        Tensor up = torch.linear(down, p.get(n + ".up.weight"), new TensorOptional(p.get(n + ".up.bias")));
        return h.add(last ? up : up.movedim(-1, channelDim));
    }

    @Override
    public Tensor features(ParamSet p, Tensor images) {
        return base.features(p, images, (block, h) -> adapt(p, block, h));
    }

    @Override
    public Tensor features(ParamSet p, Tensor images, BlockHook hook) {
        return base.features(p, images, (block, h) -> hook.apply(block, adapt(p, block, h)));
    }

    @Override
    public List<BlockShape> blocks() {
        return blocks;
    }

    /** The base model's FLOPs plus, per block and position, 2·C·m (down) + 2·m·C (up). */
    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        OptionalLong b = base.forwardFlops(batch, outputs);
        if (b.isEmpty()) {
            return b;
        }
        long extra = 0;
        for (BlockShape s : blocks) {
            extra += 4L * s.width() * bottleneck * s.positions();
        }
        return OptionalLong.of(b.getAsLong() + batch * extra);
    }
}

package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The ResNet-12 few-shot backbone (Oreshkin et al., TADAM, NeurIPS 2018; Lee et al., MetaOptNet,
 * CVPR 2019): four residual blocks, each
 * <pre>  y = LeakyReLU_0.1( BN(conv3(LReLU(BN(conv2(LReLU(BN(conv1(x)))))))) + BN(conv1×1(x)) ),  then 2×2 max-pool</pre>
 * with 3×3 convolutions (no bias: batch-norm's shift makes it redundant) of the block's width. On
 * 28×28 inputs the maps shrink 28 → 14 → 7 → 3 → 1, so the feature is the last width.
 *
 * <p>Batch normalisation uses the statistics of the batch at hand, as {@link Conv4} does.
 * Presets ({@link #PRESETS}): {@code tiny} [16, 32, 64, 128], {@code small} [32, 64, 128, 256],
 * {@code standard} [64, 160, 320, 640] (the published one, 12.4 M parameters).
 */
public final class ResNet12 implements Model {
    /** Widths of the four blocks per preset name. */
    public static final Map<String, int[]> PRESETS = Map.of(
            "tiny", new int[]{16, 32, 64, 128},
            "small", new int[]{32, 64, 128, 256},
            "standard", new int[]{64, 160, 320, 640});
    public static final String DEFAULT_PRESET = "standard";

    private static final long[] ONE = {1, 1};
    private static final long[] PAD = {1, 1};
    private static final long[] NO_PAD = {0, 0};
    private static final long[] POOL = {2, 2};
    private static final Scalar SLOPE = new Scalar(0.1);

    private final String preset;
    private final int inChannels;
    private final int[] widths;
    private final int height;
    private final int width;

    public ResNet12(String preset, int inChannels, int[] widths, int height, int width) {
        if (widths.length != 4) {
            throw new IllegalArgumentException("ResNet-12 has 4 blocks, got widths " + Arrays.toString(widths));
        }
        this.preset = preset;
        this.inChannels = inChannels;
        this.widths = widths.clone();
        this.height = height;
        this.width = width;
        int[] channels = Arrays.copyOf(this.widths, 5);
        channels[4] = inChannels;
        dev.metascale.engine.torch.TorchRuntime.requireExactConvolutions(name(), channels);
    }

    /** The preset named {@code size} ("" = {@value #DEFAULT_PRESET}). */
    public static ResNet12 preset(String size, int height, int width) {
        String name = size == null || size.isEmpty() ? DEFAULT_PRESET : size;
        int[] w = PRESETS.get(name);
        if (w == null) {
            throw new IllegalArgumentException("unknown resnet12 size '" + name + "'; use one of " + PRESETS.keySet().stream().sorted().toList());
        }
        return new ResNet12(name, 1, w, height, width);
    }

    @Override
    public String name() {
        return "resnet12-" + preset;
    }

    @Override
    public int featureDim() {
        long[] hw = spatial(4);
        return (int) (widths[3] * hw[0] * hw[1]);
    }

    /** Height and width after {@code blocks} blocks. */
    private long[] spatial(int blocks) {
        long h = height;
        long w = width;
        for (int b = 0; b < blocks; b++) {
            h = Math.max(h / 2, 1);
            w = Math.max(w / 2, 1);
        }
        return new long[]{h, w};
    }

    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        torch.manual_seed(seed);
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        int in = inChannels;
        for (int b = 0; b < 4; b++) {
            int c = widths[b];
            for (int k = 1; k <= 3; k++) {
                int cin = k == 1 ? in : c;
                addConv(names, tensors, "block" + b + ".conv" + k, c, cin, 3, dtype);
            }
            addConv(names, tensors, "block" + b + ".shortcut", c, in, 1, dtype);
            in = c;
        }
        ParamSet body = new ParamSet(names, tensors);
        return outputs > 0 ? body.with(LinearHead.create(featureDim(), outputs, dtype, false)) : body;
    }

    private static void addConv(List<String> names, List<Tensor> tensors, String prefix, int out, int in, int k, torch.ScalarType dtype) {
        names.add(prefix + ".weight");
        tensors.add(Init.leaf(Init.heNormal(new long[]{out, in, k, k}, (long) in * k * k, dtype)));
        names.add(prefix + ".bn.weight");
        tensors.add(Init.leaf(Init.constant(new long[]{out}, 1.0, dtype)));
        names.add(prefix + ".bn.bias");
        tensors.add(Init.leaf(Init.constant(new long[]{out}, 0.0, dtype)));
    }

    private static Tensor convBn(ParamSet p, String prefix, Tensor x, long[] pad) {
        TensorOptional none = new TensorOptional();
        Tensor y = torch.conv2d(x, p.get(prefix + ".weight"), none, ONE, pad, ONE, 1);
        return torch.batch_norm(y, new TensorOptional(p.get(prefix + ".bn.weight")),
                new TensorOptional(p.get(prefix + ".bn.bias")), none, none, true, 0.1, 1e-5, true);
    }

    @Override
    public Tensor features(ParamSet p, Tensor images) {
        return features(p, images, BlockHook.IDENTITY);
    }

    @Override
    public Tensor features(ParamSet p, Tensor images, BlockHook hook) {
        Tensor x = images;
        for (int b = 0; b < 4; b++) {
            x = hook.apply(b, stage(p, b, x));
        }
        return x.reshape(x.size(0), -1);
    }

    /** Residual block {@code b} and its 2×2 max-pool. */
    private static Tensor stage(ParamSet p, int b, Tensor x) {
        String s = "block" + b;
        Tensor y = torch.leaky_relu(convBn(p, s + ".conv1", x, PAD), SLOPE);
        y = torch.leaky_relu(convBn(p, s + ".conv2", y, PAD), SLOPE);
        y = convBn(p, s + ".conv3", y, PAD);
        y = y.add(convBn(p, s + ".shortcut", x, NO_PAD));
        // Pool, then the activation: leaky ReLU is increasing, so this is max_pool(leaky_relu(y)) exactly, with the
        // same gradients, on a quarter of the elements. ceil_mode keeps a 1×1 map at 1×1 for inputs smaller than 16 pixels.
        return torch.leaky_relu(MaxPool.apply(y, POOL, POOL, y.size(2) < 2), SLOPE);
    }

    /** One feature block per residual block; batch norm uses batch statistics, so a recompute is exact. */
    @Override
    public int featureBlockCount() {
        return 4;
    }

    /** Residual block {@code b} with its pooling; the last also flattens to the features. */
    @Override
    public Tensor featureBlock(ParamSet p, int b, Tensor x) {
        Tensor y = stage(p, b, x);
        return b == 3 ? y.reshape(y.size(0), -1) : y;
    }

    @Override
    public List<String> featureBlockParameters(int b) {
        List<String> names = new ArrayList<>();
        for (String conv : List.of("conv1", "conv2", "conv3", "shortcut")) {
            String prefix = "block" + b + "." + conv;
            names.addAll(List.of(prefix + ".weight", prefix + ".bn.weight", prefix + ".bn.bias"));
        }
        return names;
    }

    @Override
    public List<BlockShape> blocks() {
        List<BlockShape> shapes = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            long[] hw = spatial(b + 1);
            shapes.add(BlockShape.map(widths[b], hw[0], hw[1]));
        }
        return shapes;
    }

    /**
     * The forward by {@link dev.metascale.core.flops.FlopFormulas}, per block at input size H×W from {@code in} to
     * {@code c} channels: three 3×3 convolutions (in→c, c→c, c→c) and the 1×1 shortcut (in→c), each with batch
     * normalisation; leaky ReLU (compare and multiply: 2 per element) after the first two; the residual addition;
     * 2×2 max-pooling and leaky ReLU on the pooled map. Then the linear head of {@code outputs} classes. The first
     * block's conv1 and shortcut read the images: no input gradient (the input layer).
     */
    public dev.metascale.core.flops.ForwardCost forwardCost(long batch, int outputs) {
        dev.metascale.core.flops.FlopCount forward = dev.metascale.core.flops.FlopCount.ZERO;
        long backwardOther = 0;
        long in = inChannels;
        for (int b = 0; b < 4; b++) {
            long[] hw = spatial(b);
            long[] pooled = spatial(b + 1);
            long c = widths[b];
            long maps = batch * c * hw[0] * hw[1];
            long pooledMaps = batch * c * pooled[0] * pooled[1];
            forward = forward.plus(new dev.metascale.core.flops.FlopCount(convolutions(batch, b, in), 0))
                    .plus(dev.metascale.core.flops.FlopFormulas.batchNormForward(4 * maps))
                    .plus(dev.metascale.core.flops.FlopFormulas.reluForward(2 * 2 * maps + 2 * pooledMaps))
                    .plus(dev.metascale.core.flops.FlopCount.other(maps))
                    .plus(dev.metascale.core.flops.FlopFormulas.maxPoolForward(pooledMaps, 2));
            backwardOther += dev.metascale.core.flops.FlopFormulas.batchNormBackward(4 * maps).total()
                    + dev.metascale.core.flops.FlopFormulas.reluBackward(2 * 2 * maps + 2 * pooledMaps).total()
                    + maps // the gradient summed where the input feeds both conv1 and the shortcut
                    + dev.metascale.core.flops.FlopFormulas.maxPoolBackward(pooledMaps).total();
            in = c;
        }
        if (outputs > 0) {
            forward = forward.plus(dev.metascale.core.flops.FlopFormulas.linearForward(batch, featureDim(), outputs, true));
            backwardOther += dev.metascale.core.flops.FlopFormulas.linearBackward(batch, featureDim(), outputs, true, true).other();
        }
        return new dev.metascale.core.flops.ForwardCost(forward, inputConvolutions(batch), backwardOther);
    }

    /** The convolutions of {@link #forwardCost} alone: what the profiler sees of their forward, not of their backward. */
    public dev.metascale.core.flops.ForwardCost convolutionCost(long batch) {
        long total = 0;
        long in = inChannels;
        for (int b = 0; b < 4; b++) {
            total += convolutions(batch, b, in);
            in = widths[b];
        }
        return new dev.metascale.core.flops.ForwardCost(new dev.metascale.core.flops.FlopCount(total, 0), inputConvolutions(batch), 0);
    }

    /** Block b's four convolutions from {@code in} channels: 2·H·W·c·(9·in + 9·c + 9·c + in) per example. */
    private long convolutions(long batch, int b, long in) {
        long[] hw = spatial(b);
        long c = widths[b];
        return 2 * batch * hw[0] * hw[1] * c * (9 * in + 18 * c + in);
    }

    /** The first block's conv1 and shortcut, whose input is the images. */
    private long inputConvolutions(long batch) {
        long[] hw = spatial(0);
        return 2 * batch * hw[0] * hw[1] * widths[0] * (9L * inChannels + inChannels);
    }

    /** The total of {@link #forwardCost}. */
    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return OptionalLong.of(forwardCost(batch, outputs).forward().total());
    }
}

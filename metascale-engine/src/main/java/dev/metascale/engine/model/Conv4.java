package dev.metascale.engine.model;

import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.FlopFormulas;
import dev.metascale.core.flops.ForwardCost;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The Conv-4 few-shot backbone (Vinyals et al. 2016; Finn et al. 2017, sec. 5.2): four blocks of
 * [3×3 convolution with {@code channels} filters, batch normalisation, ReLU, 2×2 max-pooling] (computed as
 * pool-then-ReLU, which is the same function with the same gradients; see {@code block}).
 * On 28×28 inputs the maps shrink 28 → 14 → 7 → 3 → 1, so the feature is {@code channels} wide.
 * The convolution has no bias: batch-norm's shift makes it redundant.
 *
 * <p>Batch normalisation always uses the statistics of the batch at hand (no running averages), as
 * in the reference MAML implementation; statistics of a query batch are therefore its own.
 */
public final class Conv4 implements Model {
    private static final int BLOCKS = 4;
    private static final long[] STRIDE = {1, 1};
    private static final long[] PAD = {1, 1};
    private static final long[] DILATION = {1, 1};
    private static final long[] POOL = {2, 2};
    private static final String[] CONV = new String[BLOCKS];
    private static final String[] BN_WEIGHT = new String[BLOCKS];
    private static final String[] BN_BIAS = new String[BLOCKS];

    static {
        for (int b = 0; b < BLOCKS; b++) {
            CONV[b] = "block" + b + ".conv.weight";
            BN_WEIGHT[b] = "block" + b + ".bn.weight";
            BN_BIAS[b] = "block" + b + ".bn.bias";
        }
    }

    private final int inChannels;
    private final int channels;
    private final int height;
    private final int width;

    public Conv4(int inChannels, int channels, int height, int width) {
        this.inChannels = inChannels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        dev.metascale.engine.torch.TorchRuntime.requireExactConvolutions(name(), inChannels, channels);
    }

    @Override
    public String name() {
        return "conv4-" + channels;
    }

    @Override
    public int featureDim() {
        int h = height;
        int w = width;
        for (int i = 0; i < BLOCKS; i++) {
            h /= 2;
            w /= 2;
        }
        return channels * Math.max(h, 1) * Math.max(w, 1);
    }

    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        torch.manual_seed(seed);
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        int in = inChannels;
        for (int b = 0; b < BLOCKS; b++) {
            names.add(CONV[b]);
            tensors.add(Init.leaf(Init.heNormal(new long[]{channels, in, 3, 3}, in * 9L, dtype)));
            names.add(BN_WEIGHT[b]);
            tensors.add(Init.leaf(Init.constant(new long[]{channels}, 1.0, dtype)));
            names.add(BN_BIAS[b]);
            tensors.add(Init.leaf(Init.constant(new long[]{channels}, 0.0, dtype)));
            in = channels;
        }
        ParamSet body = new ParamSet(names, tensors);
        return outputs > 0 ? body.with(LinearHead.create(featureDim(), outputs, dtype, false)) : body;
    }

    @Override
    public Tensor features(ParamSet p, Tensor images) {
        return features(p, images, BlockHook.IDENTITY);
    }

    @Override
    public List<BlockShape> blocks() {
        List<BlockShape> shapes = new ArrayList<>();
        int h = height;
        int w = width;
        for (int b = 0; b < BLOCKS; b++) {
            h /= 2;
            w /= 2;
            shapes.add(BlockShape.map(channels, h, w));
        }
        return shapes;
    }

    @Override
    public Tensor features(ParamSet p, Tensor images, BlockHook hook) {
        Tensor x = images;
        for (int b = 0; b < BLOCKS; b++) {
            x = hook.apply(b, block(p, b, x));
        }
        return x.reshape(x.size(0), -1);
    }

    /**
     * One block: convolution, batch norm, 2×2 max-pool, ReLU. ReLU is monotone, so {@code max(relu(x)) =
     * relu(max(x))} and pooling first gives the same output on a quarter of the elements; the gradients are the same
     * too (where a window's maximum is positive it is the same element either way, and where it is not ReLU's
     * backward zeroes the gradient either way). Not in place: the pooled map is a view, and an in-place ReLU on a
     * view makes autograd record a copy of the whole base (measured: 100 ms more per Conv-4 MAML iteration).
     */
    private static Tensor block(ParamSet p, int b, Tensor x) {
        TensorOptional none = new TensorOptional();
        Tensor y = torch.conv2d(x, p.get(CONV[b]), none, STRIDE, PAD, DILATION, 1);
        y = torch.batch_norm(y, new TensorOptional(p.get(BN_WEIGHT[b])), new TensorOptional(p.get(BN_BIAS[b])), none, none,
                true, 0.1, 1e-5, true);
        return torch.relu(MaxPool.apply(y, POOL, POOL, false));
    }

    @Override
    public boolean batchesTasks() {
        return true;
    }

    /**
     * Per-task weights, the tasks as one computation: task t's maps are channels t·C … t·C + C − 1 of one
     * [batch, tasks·C, h, w] tensor (the layout between blocks), each block a convolution with {@code groups = tasks}
     * (task t's filters see its own channels only) and one batch norm whose per-channel statistics are then exactly
     * task t's own (over its batch and positions). Block 0 takes [tasks, batch, 1, h, w]; the last returns
     * [tasks, batch, C·h·w], each task's features flattened in (c, h, w) order as {@link #features}.
     */
    @Override
    public Tensor taskFeatureBlock(ParamSet p, int b, Tensor x) {
        Tensor w = p.get(CONV[b]);
        long tasks = w.size(0);
        Tensor in = b == 0 ? x.transpose(0, 1).reshape(x.size(1), tasks * x.size(2), x.size(3), x.size(4)) : x;
        long batch = in.size(0);
        TensorOptional none = new TensorOptional();
        Tensor y = torch.conv2d(in, w.reshape(tasks * w.size(1), w.size(2), w.size(3), w.size(4)), none, STRIDE, PAD, DILATION, tasks);
        y = torch.batch_norm(y, new TensorOptional(p.get(BN_WEIGHT[b]).reshape(-1)), new TensorOptional(p.get(BN_BIAS[b]).reshape(-1)),
                none, none, true, 0.1, 1e-5, true);
        Tensor out = torch.relu(MaxPool.apply(y, POOL, POOL, false));
        return b == BLOCKS - 1 ? out.reshape(batch, tasks, -1).transpose(0, 1) : out;
    }

    /**
     * Shared weights: the examples laid out example-major, [batch, tasks, C, h, w] between blocks (example i of task t
     * at row i·tasks + t of the [batch·tasks, C, h, w] map), so that each block is one ordinary convolution over all the
     * tasks' examples, and the same map read as [batch, tasks·C, h, w] (a view of the contiguous map) is
     * batch-normalised with the weights repeated per task: the statistics of channel t·C + c are task t's own, over its
     * batch and positions, as in the loop. Block 0 takes [tasks, batch, 1, h, w]; the last returns [tasks, batch, C·h·w],
     * each example flattened in (c, h, w) order as {@link #features}.
     */
    @Override
    public Tensor sharedTaskFeatureBlock(ParamSet p, int b, Tensor x) {
        Tensor exampleMajor = b == 0 ? x.transpose(0, 1) : x; // [batch, tasks, C, h, w]
        long batch = exampleMajor.size(0);
        long tasks = exampleMajor.size(1);
        Tensor in = exampleMajor.reshape(batch * tasks, exampleMajor.size(2), exampleMajor.size(3), exampleMajor.size(4));
        TensorOptional none = new TensorOptional();
        Tensor y = torch.conv2d(in, p.get(CONV[b]), none, STRIDE, PAD, DILATION, 1);
        long c = y.size(1);
        Tensor perTask = y.reshape(batch, tasks * c, y.size(2), y.size(3));
        perTask = torch.batch_norm(perTask, new TensorOptional(p.get(BN_WEIGHT[b]).repeat(tasks)),
                new TensorOptional(p.get(BN_BIAS[b]).repeat(tasks)), none, none, true, 0.1, 1e-5, true);
        y = perTask.reshape(batch * tasks, c, y.size(2), y.size(3));
        Tensor out = torch.relu(MaxPool.apply(y, POOL, POOL, false));
        return b == BLOCKS - 1 ? out.reshape(batch, tasks, -1).transpose(0, 1)
                : out.reshape(batch, tasks, c, out.size(2), out.size(3));
    }

    @Override
    public int featureBlockCount() {
        return BLOCKS;
    }

    @Override
    public Tensor featureBlock(ParamSet p, int b, Tensor x) {
        Tensor y = block(p, b, x);
        return b == BLOCKS - 1 ? y.reshape(y.size(0), -1) : y;
    }

    @Override
    public List<String> featureBlockParameters(int b) {
        return List.of(CONV[b], BN_WEIGHT[b], BN_BIAS[b]);
    }

    /**
     * FLOPs of one forward pass over {@code batch} images by {@link FlopFormulas}: per block a 3×3 convolution
     * (padding 1 keeps the map size), batch normalisation, a 2×2 max-pool and ReLU on the pooled map; then the linear head of
     * {@code outputs} classes. The first convolution's input is data (no input gradient).
     */
    public ForwardCost forwardCost(long batch, int outputs) {
        FlopCount forward = FlopCount.ZERO;
        long backwardOther = 0;
        long inputLayer = 0;
        long h = height;
        long w = width;
        long in = inChannels;
        for (int b = 0; b < BLOCKS; b++) {
            FlopCount conv = FlopFormulas.conv2dForward(batch, in, channels, h, w, 3, 3, 1, false);
            if (b == 0) {
                inputLayer = conv.matmul();
            }
            long maps = batch * channels * h * w;
            long pooled = batch * channels * (h / 2) * (w / 2);
            forward = forward.plus(conv).plus(FlopFormulas.batchNormForward(maps)).plus(FlopFormulas.maxPoolForward(pooled, 2))
                    .plus(FlopFormulas.reluForward(pooled));
            backwardOther += FlopFormulas.batchNormBackward(maps).total() + FlopFormulas.reluBackward(pooled).total()
                    + FlopFormulas.maxPoolBackward(pooled).total();
            h /= 2;
            w /= 2;
            in = channels;
        }
        if (outputs > 0) {
            forward = forward.plus(FlopFormulas.linearForward(batch, featureDim(), outputs, true));
            backwardOther += FlopFormulas.linearBackward(batch, featureDim(), outputs, true, true).other();
        }
        return new ForwardCost(forward, inputLayer, backwardOther);
    }

    /**
     * The four convolutions of {@link #forwardCost} alone (the first one's input is data): what the profiler's
     * FLOP counter sees of their forward and cannot see of their backward.
     */
    public ForwardCost convolutionCost(long batch) {
        long total = 0;
        long first = 0;
        long h = height;
        long w = width;
        long in = inChannels;
        for (int b = 0; b < BLOCKS; b++) {
            long conv = FlopFormulas.conv2dForward(batch, in, channels, h, w, 3, 3, 1, false).matmul();
            first = b == 0 ? conv : first;
            total += conv;
            h /= 2;
            w /= 2;
            in = channels;
        }
        return new ForwardCost(new FlopCount(total, 0), first, 0);
    }

    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return OptionalLong.of(forwardCost(batch, outputs).forward().total());
    }
}

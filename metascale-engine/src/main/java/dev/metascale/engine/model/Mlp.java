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
 * A multilayer perceptron on flattened images: {@code h_{i+1} = ReLU(h_i W_iᵀ + b_i)} for each
 * width in {@code hidden}; the last hidden layer is the feature.
 */
public final class Mlp implements Model {
    private final int inputs;
    private final int[] hidden;
    private final String[] weightNames;
    private final String[] biasNames;

    public Mlp(int inputs, List<Integer> hidden) {
        if (hidden.isEmpty()) {
            throw new IllegalArgumentException("an MLP needs at least one hidden layer (model.hidden)");
        }
        this.inputs = inputs;
        this.hidden = hidden.stream().mapToInt(Integer::intValue).toArray();
        this.weightNames = new String[this.hidden.length];
        this.biasNames = new String[this.hidden.length];
        for (int i = 0; i < this.hidden.length; i++) {
            weightNames[i] = "layer" + i + ".weight";
            biasNames[i] = "layer" + i + ".bias";
        }
    }

    @Override
    public String name() {
        StringBuilder s = new StringBuilder("mlp-").append(inputs);
        for (int h : hidden) {
            s.append('-').append(h);
        }
        return s.toString();
    }

    @Override
    public int featureDim() {
        return hidden[hidden.length - 1];
    }

    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        torch.manual_seed(seed);
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        int in = inputs;
        for (int i = 0; i < hidden.length; i++) {
            names.add(weightNames[i]);
            tensors.add(Init.leaf(Init.heNormal(new long[]{hidden[i], in}, in, dtype)));
            names.add(biasNames[i]);
            tensors.add(Init.leaf(Init.constant(new long[]{hidden[i]}, 0.0, dtype)));
            in = hidden[i];
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
        for (int h : hidden) {
            shapes.add(BlockShape.vector(h));
        }
        return shapes;
    }

    @Override
    public Tensor features(ParamSet p, Tensor images, BlockHook hook) {
        Tensor x = images.reshape(images.size(0), -1);
        for (int i = 0; i < hidden.length; i++) {
            x = hook.apply(i, layer(p, i, x));
        }
        return x;
    }

    @Override
    public int featureBlockCount() {
        return hidden.length;
    }

    @Override
    public Tensor featureBlock(ParamSet p, int i, Tensor x) {
        return layer(p, i, i == 0 ? x.reshape(x.size(0), -1) : x);
    }

    /**
     * ReLU(x Wᵀ + b) with one fused addmm. The ReLU is not in place: on small MAML batches it saves nothing
     * measurable, and on a deep MLP it changes which buffers autograd keeps (activation checkpointing's
     * memory saving is measured against this layer).
     */
    private Tensor layer(ParamSet p, int i, Tensor x) {
        return torch.relu(torch.linear(x, p.get(weightNames[i]), new TensorOptional(p.get(biasNames[i]))));
    }

    @Override
    public boolean batchesTasks() {
        return true;
    }

    /**
     * Layer {@code i} as a batched product over the tasks, ReLU(b_t + x_t W_tᵀ) for all t in one {@code baddbmm}, on
     * [tasks, batch, width] (layer 0 flattens each image).
     */
    @Override
    public Tensor taskFeatureBlock(ParamSet p, int i, Tensor x) {
        Tensor in = i == 0 ? x.reshape(x.size(0), x.size(1), -1) : x;
        return torch.relu(torch.baddbmm(p.get(biasNames[i]).unsqueeze(1), in, p.get(weightNames[i]).transpose(1, 2)));
    }

    /**
     * Shared weights: layer {@code i} on every task's examples as one batch, [tasks, batch, width] (no layer couples the
     * examples; layer 0 flattens each image).
     */
    @Override
    public Tensor sharedTaskFeatureBlock(ParamSet p, int i, Tensor x) {
        long tasks = x.size(0);
        long batch = x.size(1);
        return layer(p, i, x.reshape(tasks * batch, -1)).reshape(tasks, batch, -1);
    }

    @Override
    public List<String> featureBlockParameters(int i) {
        return List.of(weightNames[i], biasNames[i]);
    }

    /**
     * FLOPs of one forward pass over {@code batch} images by {@link FlopFormulas}: per hidden layer a linear
     * map with bias and a ReLU, then the linear head of {@code outputs} classes. The first layer's input is
     * data (no input gradient).
     */
    public ForwardCost forwardCost(long batch, int outputs) {
        FlopCount forward = FlopCount.ZERO;
        long backwardOther = 0;
        long inputLayer = 0;
        long in = inputs;
        for (int i = 0; i < hidden.length; i++) {
            FlopCount layer = FlopFormulas.linearForward(batch, in, hidden[i], true);
            if (i == 0) {
                inputLayer = layer.matmul();
            }
            forward = forward.plus(layer).plus(FlopFormulas.reluForward(batch * hidden[i]));
            backwardOther += FlopFormulas.linearBackward(batch, in, hidden[i], true, i > 0).other()
                    + FlopFormulas.reluBackward(batch * hidden[i]).total();
            in = hidden[i];
        }
        if (outputs > 0) {
            forward = forward.plus(FlopFormulas.linearForward(batch, in, outputs, true));
            backwardOther += FlopFormulas.linearBackward(batch, in, outputs, true, true).other();
        }
        return new ForwardCost(forward, inputLayer, backwardOther);
    }

    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return OptionalLong.of(forwardCost(batch, outputs).forward().total());
    }
}

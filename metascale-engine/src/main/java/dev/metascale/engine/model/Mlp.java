package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * A multilayer perceptron on flattened images: {@code h_{i+1} = ReLU(h_i W_iᵀ + b_i)} for each
 * width in {@code hidden}; the last hidden layer is the feature.
 */
public final class Mlp implements Model {
    private final int inputs;
    private final int[] hidden;

    public Mlp(int inputs, List<Integer> hidden) {
        if (hidden.isEmpty()) {
            throw new IllegalArgumentException("an MLP needs at least one hidden layer (model.hidden)");
        }
        this.inputs = inputs;
        this.hidden = hidden.stream().mapToInt(Integer::intValue).toArray();
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
            names.add("layer" + i + ".weight");
            tensors.add(Init.leaf(Init.heNormal(new long[]{hidden[i], in}, in, dtype)));
            names.add("layer" + i + ".bias");
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
            x = hook.apply(i, torch.relu(torch.linear(x, p.get("layer" + i + ".weight"), new TensorOptional(p.get("layer" + i + ".bias")))));
        }
        return x;
    }
}

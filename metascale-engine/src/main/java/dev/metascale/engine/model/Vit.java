package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A ViT-style Transformer encoder for small images (Dosovitskiy et al., "An Image is Worth 16x16
 * Words", ICLR 2021, eq. 1–4), with pre-layer-norm blocks and mean pooling over tokens:
 * <pre>
 *   z_0 = [x_1 E; …; x_T E] + E_pos                  (p×p patches, T = HW/p², E: p² → d)
 *   z'_l = z_{l−1} + MSA(LN(z_{l−1}))                (multi-head self-attention, h heads)
 *   z_l  = z'_l + MLP(LN(z'_l))                       (MLP d → 4d → d, GELU)
 *   features = LN(mean_t z_L)
 * </pre>
 * where MSA(z) = concat_j softmax(q_j k_jᵀ / √(d/h)) v_j · W_o with [q; k; v] = z W_qkv. The
 * attention is written out with matmuls (not a fused kernel) so that second-order gradients work.
 *
 * <p>Presets ({@link #PRESETS}, for 28×28 images with 4×4 patches, T = 49): {@code tiny} d=64, 2
 * blocks, 2 heads (~0.1 M parameters); {@code small} d=192, 6 blocks, 3 heads (~2.7 M); {@code base}
 * d=384, 8 blocks, 6 heads (~14 M); {@code large} d=640, 10 blocks, 10 heads (~49 M).
 */
public final class Vit implements Model {

    /** Width, depth and heads of a preset. */
    public record Preset(int dim, int depth, int heads) {
    }

    public static final Map<String, Preset> PRESETS = Map.of(
            "tiny", new Preset(64, 2, 2),
            "small", new Preset(192, 6, 3),
            "base", new Preset(384, 8, 6),
            "large", new Preset(640, 10, 10));
    public static final String DEFAULT_PRESET = "small";
    private static final double LN_EPS = 1e-6;

    private final String preset;
    private final Preset shape;
    private final int patch;
    private final int height;
    private final int width;
    private final PreLnTransformer blocks;

    public Vit(String preset, Preset shape, int patch, int height, int width) {
        if (height % patch != 0 || width % patch != 0) {
            throw new IllegalArgumentException("vit: image " + height + "x" + width + " is not divisible into "
                    + patch + "x" + patch + " patches; use images whose sides are multiples of " + patch);
        }
        if (shape.dim() % shape.heads() != 0) {
            throw new IllegalArgumentException("vit: width " + shape.dim() + " is not divisible by " + shape.heads() + " heads");
        }
        this.preset = preset;
        this.shape = shape;
        this.patch = patch;
        this.height = height;
        this.width = width;
        this.blocks = new PreLnTransformer(shape.dim(), shape.heads(), LN_EPS);
    }

    /** The preset named {@code size} ("" = {@value #DEFAULT_PRESET}), with 4×4 patches (or 1×1 when the image is not a multiple of 4). */
    public static Vit preset(String size, int height, int width) {
        String name = size == null || size.isEmpty() ? DEFAULT_PRESET : size;
        Preset p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown vit size '" + name + "'; use one of " + PRESETS.keySet().stream().sorted().toList());
        }
        int patch = height % 4 == 0 && width % 4 == 0 ? 4 : 1;
        return new Vit(name, p, patch, height, width);
    }

    @Override
    public String name() {
        return "vit-" + preset;
    }

    @Override
    public int featureDim() {
        return shape.dim();
    }

    private long tokens() {
        return (long) (height / patch) * (width / patch);
    }

    @Override
    public ParamSet init(long seed, int outputs, torch.ScalarType dtype) {
        torch.manual_seed(seed);
        int d = shape.dim();
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        PreLnTransformer.addLinear(names, tensors, "patch_embed", d, patch * patch, dtype);
        names.add("pos_embed");
        tensors.add(Init.leaf(PreLnTransformer.normal(new long[]{tokens(), d}, dtype)));
        for (int l = 0; l < shape.depth(); l++) {
            blocks.addBlock(names, tensors, "block" + l, dtype);
        }
        PreLnTransformer.addNorm(names, tensors, "norm", d, dtype);
        ParamSet body = new ParamSet(names, tensors);
        return outputs > 0 ? body.with(LinearHead.create(featureDim(), outputs, dtype, false)) : body;
    }

    /** Patches [batch, T, p²] of images [batch, 1, H, W], row-major over the patch grid. */
    private Tensor patches(Tensor images) {
        long n = images.size(0);
        long gh = height / patch;
        long gw = width / patch;
        return images.reshape(n, gh, patch, gw, patch).permute(0, 1, 3, 2, 4).reshape(n, gh * gw, (long) patch * patch);
    }

    @Override
    public Tensor features(ParamSet p, Tensor images) {
        return features(p, images, BlockHook.IDENTITY);
    }

    @Override
    public Tensor features(ParamSet p, Tensor images, BlockHook hook) {
        Tensor z = embed(p, images);
        for (int l = 0; l < shape.depth(); l++) {
            z = hook.apply(l, layer(p, l, z));
        }
        return pool(p, z);
    }

    /** z_0: patch embedding plus position embedding (eq. 1). */
    private Tensor embed(ParamSet p, Tensor images) {
        return PreLnTransformer.linear(p, "patch_embed", patches(images)).add(p.get("pos_embed"));
    }

    /** Transformer layer {@code l}: z_l from z_{l−1} (eq. 2–3). */
    private Tensor layer(ParamSet p, int l, Tensor z) {
        return blocks.block(p, "block" + l, z, null);
    }

    /** The features: final layer norm of the token mean. */
    private Tensor pool(ParamSet p, Tensor z) {
        return blocks.norm(p, "norm", z.mean(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
    }

    /** One feature block per Transformer layer; the first also embeds the patches, the last also pools and norms. */
    @Override
    public int featureBlockCount() {
        return shape.depth();
    }

    @Override
    public Tensor featureBlock(ParamSet p, int l, Tensor x) {
        Tensor z = layer(p, l, l == 0 ? embed(p, x) : x);
        return l == shape.depth() - 1 ? pool(p, z) : z;
    }

    @Override
    public List<String> featureBlockParameters(int l) {
        List<String> names = new ArrayList<>();
        if (l == 0) {
            names.addAll(List.of("patch_embed.weight", "patch_embed.bias", "pos_embed"));
        }
        names.addAll(PreLnTransformer.blockParameterNames("block" + l));
        if (l == shape.depth() - 1) {
            names.addAll(List.of("norm.weight", "norm.bias"));
        }
        return names;
    }

    @Override
    public List<BlockShape> blocks() {
        List<BlockShape> shapes = new ArrayList<>();
        for (int l = 0; l < shape.depth(); l++) {
            shapes.add(BlockShape.tokens(shape.dim(), tokens()));
        }
        return shapes;
    }

    /**
     * The forward by {@link dev.metascale.core.flops.FlopFormulas}, split as the backward rules need it: the patch
     * embedding (a linear layer whose input is pixels: no input gradient, the input layer) and the position
     * embedding's addition, the blocks ({@link PreLnTransformer#blockCost}), the token mean, the final layer norm and
     * the head of {@code outputs} classes (0: features only).
     */
    public dev.metascale.core.flops.ForwardCost forwardCost(long batch, int outputs) {
        long t = tokens();
        long d = shape.dim();
        dev.metascale.core.flops.FlopCount embed = dev.metascale.core.flops.FlopFormulas.linearForward(batch * t, (long) patch * patch, d, true)
                .plus(dev.metascale.core.flops.FlopCount.other(batch * t * d));
        // backward element-wise: the bias's and the position embedding's gradients
        dev.metascale.core.flops.ForwardCost cost = new dev.metascale.core.flops.ForwardCost(embed, embed.matmul(), 2 * batch * t * d);
        for (int l = 0; l < shape.depth(); l++) {
            cost = cost.plus(blocks.blockCost(batch, t));
        }
        dev.metascale.core.flops.FlopCount pool = dev.metascale.core.flops.FlopCount.other(batch * t * d)
                .plus(dev.metascale.core.flops.FlopFormulas.batchNormForward(batch * d));
        long poolBackward = batch * t * d + dev.metascale.core.flops.FlopFormulas.batchNormBackward(batch * d).total();
        cost = cost.plus(new dev.metascale.core.flops.ForwardCost(pool, 0, poolBackward));
        if (outputs > 0) {
            dev.metascale.core.flops.FlopCount head = dev.metascale.core.flops.FlopFormulas.linearForward(batch, d, outputs, true);
            cost = cost.plus(new dev.metascale.core.flops.ForwardCost(head, 0,
                    dev.metascale.core.flops.FlopFormulas.linearBackward(batch, d, outputs, true, true).other()));
        }
        return cost;
    }

    /** The total of {@link #forwardCost}: products 24·T·d² + 4·T²·d per block, patch embedding 2·T·p²·d, head 2·d·outputs, and the element-wise work. */
    @Override
    public OptionalLong forwardFlops(long batch, int outputs) {
        return OptionalLong.of(forwardCost(batch, outputs).forward().total());
    }
}

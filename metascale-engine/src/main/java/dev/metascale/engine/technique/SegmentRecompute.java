package dev.metascale.engine.technique;

import dev.metascale.engine.model.FeatureBlock;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Activation checkpointing by segment recompute (Chen et al., "Training Deep Nets with Sublinear
 * Memory Cost", 2016, sec. 3; {@code torch.utils.checkpoint}). The model's feature blocks
 * ({@link Model#featureBlock}) are grouped into {@code k} contiguous segments f = f_k ∘ … ∘ f_1.
 * The forward pass runs without a graph and keeps only each segment's input a_{j-1}; the backward
 * pass walks the segments in reverse: it re-runs f_j on a detached copy of a_{j-1} with the graph on
 * and applies the chain rule with the incoming gradient g_j = ∂L/∂a_j,
 * <pre>  ∂L/∂θ_j = (∂a_j/∂θ_j)ᵀ g_j,   g_{j-1} = (∂a_j/∂a_{j-1})ᵀ g_j,</pre>
 * one vector-Jacobian product ({@code torch::autograd::grad} with {@code grad_outputs}) per
 * segment. At most one segment's activations are alive at a time (plus the k saved inputs), at the
 * price of one extra forward pass of the blocks. No custom autograd node is needed (Java cannot
 * subclass {@code Node}), so this serves every gradient that needs no graph of its own: the result
 * is a list of plain gradient tensors, not a differentiable graph.
 *
 * <p>The gradients are taken with respect to detached copies of the given parameters: for fast
 * weights θ' = θ − α Σ g, callers propagate them on with {@code torch::autograd::backward(θ', ∂L/∂θ')}.
 * Native memory: every activation is created in a nested {@link PointerScope} and released as soon
 * as it is no longer needed; call this inside a scope (the trial loop opens one per iteration).
 */
public final class SegmentRecompute {
    private final List<int[]> segments;
    private final CheckpointOffload offload;
    private final FeatureBlock block;

    /**
     * @param segments requested number of segments, at least 1; more than the model's blocks is
     *                 capped at one block per segment
     */
    public SegmentRecompute(Model model, int segments) {
        this(model, segments, null);
    }

    /**
     * @param offload where the saved inputs of segments 2..k wait for the backward pass ({@link CheckpointOffload}:
     *                host memory); null keeps them on the device
     */
    public SegmentRecompute(Model model, int segments, CheckpointOffload offload) {
        int blocks = model.featureBlockCount();
        if (blocks == 0) {
            throw new IllegalArgumentException("model " + model.name() + " exposes no feature blocks for activation"
                    + " checkpointing; use conv4, mlp, resnet12 or vit, or checkpointing: false");
        }
        if (segments < 1) {
            throw new IllegalArgumentException("activation checkpointing needs at least 1 segment, got " + segments);
        }
        this.segments = split(blocks, Math.min(segments, blocks));
        this.offload = offload;
        this.block = model::featureBlock;
    }

    private SegmentRecompute(SegmentRecompute of, FeatureBlock block) {
        this.segments = of.segments;
        this.offload = of.offload;
        this.block = block;
    }

    /** The same segments (and offload) over another form of the model's blocks, e.g. its batched tasks. */
    public SegmentRecompute over(FeatureBlock blocks) {
        return new SegmentRecompute(this, blocks);
    }

    /** Blocks [from, to) of each segment, in order: {@code blocks} split into {@code k} near-equal runs. */
    static List<int[]> split(int blocks, int k) {
        List<int[]> out = new ArrayList<>(k);
        int from = 0;
        for (int j = 0; j < k; j++) {
            int to = from + blocks / k + (j < blocks % k ? 1 : 0);
            out.add(new int[]{from, to});
            from = to;
        }
        return out;
    }

    /** Segments actually used (the request capped at the model's block count). */
    public int segmentCount() {
        return segments.size();
    }

    /** Number of blocks of each segment, in order. */
    public List<Integer> blocksPerSegment() {
        return segments.stream().map(s -> s[1] - s[0]).toList();
    }

    /** The loss and ∂loss/∂p for every tensor of p (zeros for tensors the loss does not read). */
    public record Gradients(double loss, List<Tensor> gradients) {
    }

    /**
     * The gradient of {@code loss = tail(features(p, x_1), …, features(p, x_n), p)} with respect to
     * every tensor of {@code p}, the features of each input computed and back-propagated segment by
     * segment. {@code tail} sees detached features that require grad and detached leaves of p (it
     * reads the head from them); its graph is the only one kept whole.
     */
    public Gradients gradients(ParamSet p, List<Tensor> inputs, BiFunction<List<Tensor>, ParamSet, Tensor> tail) {
        PointerScope outer = PointerScope.getInnerScope();
        if (outer == null) {
            throw new IllegalStateException("segment recompute must run inside a PointerScope (it frees activations"
                    + " early by nested scopes); open one around the step");
        }
        ParamSet leaves = p.map((name, t) -> t.detach().requires_grad_(true));
        List<Tensor> sums = new ArrayList<>(p.size());
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor t : leaves.tensors()) {
                sums.add(torch.zeros_like(t));
            }
        }
        // Forward without a graph, keeping each segment's input.
        List<List<Tensor>> saved = new ArrayList<>(inputs.size());
        List<Tensor> features = new ArrayList<>(inputs.size());
        for (Tensor x : inputs) {
            List<Tensor> starts = new ArrayList<>(segments.size());
            Tensor a = x;
            for (int j = 0; j < segments.size(); j++) {
                Tensor next;
                try (PointerScope inner = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
                    next = run(leaves, segments.get(j), a);
                    outer.attach(next);
                }
                if (offload == null || j == 0) {
                    starts.add(a); // x itself is the caller's: never offloaded
                } else {
                    // the segment has read its input: a host copy waits for the backward pass, the device's is freed
                    starts.add(offload.toHost(a));
                    outer.detach(a);
                    a.close();
                }
                a = next;
            }
            saved.add(starts);
            Tensor f = a.detach().requires_grad_(true);
            features.add(f);
        }
        // The tail (head and loss) with its own graph.
        List<Tensor> incoming = new ArrayList<>(inputs.size());
        double lossValue;
        try (PointerScope inner = new PointerScope()) {
            Tensor loss = tail.apply(features, leaves);
            lossValue = loss.item_double();
            List<Tensor> wrt = new ArrayList<>(leaves.tensors());
            wrt.addAll(features);
            TensorVector g = grad(loss, wrt, null);
            accumulate(sums, g, leaves.size());
            for (int k = 0; k < features.size(); k++) {
                Tensor gk = new Tensor(g.get(leaves.size() + k));
                outer.attach(gk);
                incoming.add(gk);
            }
        }
        // Backward segment by segment, in reverse, recomputing each segment's activations.
        for (int k = 0; k < inputs.size(); k++) {
            Tensor gNext = incoming.get(k);
            for (int j = segments.size() - 1; j >= 0; j--) {
                int[] seg = segments.get(j);
                boolean needsInputGrad = j > 0;
                try (PointerScope inner = new PointerScope()) {
                    Tensor in;
                    if (offload != null && j > 0) {
                        Tensor host = saved.get(k).get(j);
                        in = offload.toDevice(host);
                        outer.detach(host);
                        host.close();
                    } else {
                        in = saved.get(k).get(j).detach();
                    }
                    if (needsInputGrad) {
                        in.requires_grad_(true);
                    }
                    Tensor h = run(leaves, seg, in);
                    List<Tensor> wrt = new ArrayList<>(leaves.tensors());
                    if (needsInputGrad) {
                        wrt.add(in);
                    }
                    TensorVector g = grad(h, wrt, gNext);
                    accumulate(sums, g, leaves.size());
                    if (needsInputGrad) {
                        Tensor gIn = new Tensor(g.get(leaves.size()));
                        outer.attach(gIn);
                        outer.detach(gNext);
                        if (offload == null) {
                            outer.detach(saved.get(k).get(j));
                        }
                        gNext = gIn;
                    }
                }
            }
        }
        return new Gradients(lossValue, sums);
    }

    /**
     * Adds (∂θ'/∂θ)ᵀ · scale·g into the {@code .grad} of the leaves θ behind {@code p} = θ'(θ) by
     * back-propagating the scalar Σ_i ⟨p_i, scale·g_i⟩ (g constant): the chain rule through whatever
     * graph links p to the leaves (identity for the meta-parameters themselves, the inner steps for
     * fast weights).
     */
    public static void backwardInto(ParamSet p, List<Tensor> gradients, double scale) {
        Tensor total = null;
        for (int i = 0; i < p.size(); i++) {
            if (!p.tensors().get(i).requires_grad()) {
                continue;
            }
            Tensor dot = p.tensors().get(i).mul(gradients.get(i).detach()).sum();
            total = total == null ? dot : total.add(dot);
        }
        if (total != null) {
            total.mul(new org.bytedeco.pytorch.Scalar(scale)).backward();
        }
    }

    private Tensor run(ParamSet params, int[] seg, Tensor x) {
        return block.run(params, seg[0], seg[1], x);
    }

    /** ∂output/∂wrt with {@code gradOutput} (null = implicit 1 for a scalar); unused inputs give undefined tensors. */
    private static TensorVector grad(Tensor output, List<Tensor> wrt, Tensor gradOutput) {
        TensorVector gradOutputs = gradOutput == null ? new TensorVector() : new TensorVector(gradOutput);
        return torch.grad(new TensorVector(output), new TensorVector(wrt.toArray(new Tensor[0])), gradOutputs,
                new BoolOptional(false), false, true);
    }

    private static void accumulate(List<Tensor> sums, TensorVector g, int n) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int i = 0; i < n; i++) {
                Tensor gi = new Tensor(g.get(i));
                if (gi.defined()) {
                    sums.get(i).add_(gi);
                }
            }
        }
    }
}

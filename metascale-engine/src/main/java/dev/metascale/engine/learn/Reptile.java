package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.GradientStrategy;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Reptile.
 *
 * <p>Nichol, Achiam and Schulman, "On First-Order Meta-Learning Algorithms", 2018, Algorithm 2
 * (batched version). For each task T_i of the batch, {@code k} plain SGD steps of size α on the
 * task's loss (Reptile has no support/query split in meta-training: its data are the task's support
 * and query examples together) start from the meta-parameters:
 * <pre>  φ_i = U^k_{T_i}(θ)</pre>
 * and the meta-parameters move toward the adapted ones by the interpolation
 * <pre>  θ ← θ + ε · (1/B) Σ_i (φ_i − θ),   ε = algorithm.outer_lr</pre>
 * This is the paper's plain update (its "outer step size"; a value near 1 with a fixed schedule,
 * e.g. 0.1–1), not Adam: the difference φ − θ is not a gradient, and applying it directly is what
 * the stated rule and its analysis describe. No graph is kept, so memory does not grow with k.
 * Adaptation to a test episode is {@code eval_inner_steps} SGD steps on its support set.
 */
public final class Reptile implements MetaLearner {
    private final Model model;
    private final ParamSet params;
    private final double innerLr;
    private final int innerSteps;
    private final int evalInnerSteps;
    private final double epsilon;
    private final TrainingTechniques techniques;
    private final GradientStrategy gradients;

    public Reptile(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double epsilon) {
        this(model, params, innerLr, innerSteps, evalInnerSteps, epsilon, TrainingTechniques.NONE);
    }

    /** @param techniques activation checkpointing of every inner gradient; chunking does not apply (no meta-loss) */
    public Reptile(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double epsilon,
                   TrainingTechniques techniques) {
        if (techniques.chunk() > 0) {
            throw new IllegalArgumentException("reptile has no meta-loss to back-propagate in chunks (its update is the mean"
                    + " of per-task parameter differences, already task by task); use chunk: 0");
        }
        this.techniques = techniques;
        this.gradients = techniques.strategy(model);
        if (innerSteps < 1) {
            throw new IllegalArgumentException("reptile needs at least one inner step (algorithm.inner_steps), got " + innerSteps);
        }
        this.model = model;
        this.params = params;
        this.innerLr = innerLr;
        this.innerSteps = innerSteps;
        this.evalInnerSteps = evalInnerSteps;
        this.epsilon = epsilon;
    }

    /** φ = {@code steps} SGD steps of size α on the cross-entropy of (x, y), from detached copies of {@code start}. */
    public ParamSet adapt(ParamSet start, Tensor x, Tensor y, int steps) {
        ParamSet fast = InnerSgd.detachedLeaves(start);
        for (int s = 0; s < steps; s++) {
            List<Tensor> grads = gradients.gradients(fast, List.of(x),
                    (features, w) -> Losses.crossEntropy(LinearHead.apply(w, features.apply(0)), y)).gradients();
            fast = InnerSgd.step(fast, grads, innerLr);
        }
        return fast;
    }

    @Override
    public com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        return gradients.describe("every inner-step gradient (all feature blocks)",
                "task by task");
    }

    /** The task's training data: support and query together. */
    static Tensor[] taskData(Episode task) {
        return new Tensor[]{torch.cat(new TensorVector(task.supportX(), task.queryX()), 0),
                torch.cat(new TensorVector(task.supportY(), task.queryY()), 0)};
    }

    /** Σ_i (φ_i − θ) over the tasks' adapted weights, and the mean loss at θ in {@code meanLoss[0]}. */
    private List<Tensor> summedDisplacement(List<Episode> tasks, double[] meanLoss) {
        List<Tensor> sum = new ArrayList<>(params.size());
        for (Tensor p : params.tensors()) {
            sum.add(torch.zeros_like(p));
        }
        double total = 0;
        for (Episode task : tasks) {
            // each task's adaptation is freed before the next one (memory grows with one task, not the meta-batch)
            try (PointerScope taskScope = new PointerScope()) {
                Tensor[] data = taskData(task);
                try (NoGradGuard guard = new NoGradGuard()) {
                    total += Losses.crossEntropy(model.logits(params, data[0]), data[1]).item_double() / tasks.size();
                }
                ParamSet fast = adapt(params, data[0], data[1], innerSteps);
                try (NoGradGuard guard = new NoGradGuard()) {
                    for (int i = 0; i < params.size(); i++) {
                        sum.get(i).add_(fast.tensors().get(i).sub(params.tensors().get(i)));
                    }
                }
            }
        }
        meanLoss[0] = total;
        return sum;
    }

    /** The direction of the update, as a gradient: θ − mean φ_i (a direction only; its length scales with k and α). */
    @Override
    public java.util.Optional<OuterDirection> outerDirection(List<Episode> tasks) {
        List<Tensor> sum = summedDisplacement(tasks, new double[1]);
        Scalar scale = new Scalar(-1.0 / tasks.size());
        List<Tensor> direction = new ArrayList<>(sum.size());
        for (Tensor d : sum) {
            direction.add(d.mul(scale));
        }
        return java.util.Optional.of(new OuterDirection(direction, false));
    }

    /** Applies θ ← θ + ε·mean(φ_i − θ); returns the mean task loss at θ (before adaptation). */
    @Override
    public double metaStep(List<Episode> tasks) {
        double[] meanLoss = new double[1];
        List<Tensor> sum = summedDisplacement(tasks, meanLoss);
        double total = meanLoss[0];
        Scalar scale = new Scalar(epsilon / tasks.size());
        // Data-parallel: every rank holds the sum over its own tasks; averaging over the ranks (equal
        // task counts) gives the mean over all tasks of the global step.
        techniques.dataParallel().ifPresent(dp -> dp.allReduceMean(sum));
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                params.tensors().get(i).add_(sum.get(i), scale);
            }
        }
        return total;
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        ParamSet fast = adapt(params, episode.supportX(), episode.supportY(), evalInnerSteps);
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(model.logits(fast, episode.queryX()));
        }
    }

    /** {@code eval_inner_steps} SGD steps on the support set (as {@link #adaptAndPredict}), then the query loss. */
    @Override
    public double adaptAndQueryLoss(Episode episode) {
        ParamSet fast = adapt(params, episode.supportX(), episode.supportY(), evalInnerSteps);
        return MetaLearner.queryLoss(model, fast, episode);
    }

    @Override
    public java.util.OptionalLong outerStateBytes() {
        return java.util.OptionalLong.of(0); // θ ← θ + ε·(φ − θ) keeps no state
    }

    @Override
    public ParamSet parameters() {
        return params;
    }
}

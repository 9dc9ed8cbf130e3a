package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.GradientStrategy;
import dev.metascale.engine.technique.SegmentRecompute;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Implicit MAML.
 *
 * <p>Rajeswaran, Finn, Kakade and Levine, "Meta-Learning with Implicit Gradients", NeurIPS 2019.
 * The inner loop solves the proximally regularised task problem (eq. 3–4)
 * <pre>  φ_i = argmin_φ  L^{support}_i(φ) + (λ/2) ‖φ − θ‖²</pre>
 * approximately, by {@code k} SGD steps of size α from φ = θ. At the solution, by the implicit
 * function theorem (Lemma 1), dφ_i/dθ = (I + H_i/λ)^{-1} with H_i = ∇²_φ L^{support}_i(φ_i), so the
 * meta-gradient of the task's query loss is (eq. 5–6)
 * <pre>  g_i = (I + H_i/λ)^{-1} ∇_φ L^{query}_i(φ_i)</pre>
 * computed without inverting anything: {@code cg_steps} conjugate-gradient iterations (Algorithm 2)
 * on (I + H_i/λ) g = ∇_φ L^{query}_i, each needing one Hessian-vector product H_i v, obtained by
 * double backward (the gradient of ⟨∇_φ L^{support}_i, v⟩). The outer loop is Adam on
 * (1/B) Σ_i g_i. Memory does not grow with k: the inner steps keep no graph.
 * Adaptation to a test episode is the same proximal inner loop with {@code eval_inner_steps} steps.
 */
public final class Imaml implements MetaLearner {
    private final Model model;
    private final ParamSet params;
    private final Settings settings;
    private final int evalInnerSteps;
    private final OuterOptimizer optimizer;
    private final GradientStrategy gradients;

    /** The inner-loop and solver hyperparameters: step size α, steps k, proximal strength λ, CG iterations. */
    public record Settings(double innerLr, int innerSteps, double lambda, int cgSteps) {
        public Settings {
            if (lambda <= 0) {
                throw new IllegalArgumentException("iMAML's λ must be positive, got " + lambda + " (algorithm.imaml_lambda)");
            }
            if (cgSteps < 1) {
                throw new IllegalArgumentException("iMAML needs at least one CG step, got " + cgSteps + " (algorithm.cg_steps)");
            }
        }
    }

    /** The implicit meta-gradient of one task and its query loss at the adapted parameters. */
    public record TaskGradient(List<Tensor> gradient, double queryLoss) {
    }

    public Imaml(Model model, ParamSet params, Settings settings, int evalInnerSteps, double outerLr) {
        this(model, params, settings, evalInnerSteps, outerLr, TrainingTechniques.NONE);
    }

    /**
     * @param techniques activation checkpointing of the inner loop's gradients and of the query gradient
     *                   b ({@link SegmentRecompute}); the CG solver's Hessian-vector products need the
     *                   support-gradient graph (create_graph) and are not checkpointed. Chunk must be 0.
     */
    public Imaml(Model model, ParamSet params, Settings settings, int evalInnerSteps, double outerLr, TrainingTechniques techniques) {
        if (techniques.chunk() > 0) {
            throw new IllegalArgumentException("imaml has no meta-loss to back-propagate in chunks (it solves for each"
                    + " task's implicit gradient, task by task); use chunk: 0");
        }
        this.gradients = techniques.strategy(model);
        this.model = model;
        this.params = params;
        this.settings = settings;
        this.evalInnerSteps = evalInnerSteps;
        this.optimizer = new OuterOptimizer(params, outerLr, techniques.dataParallel());
    }

    /** φ ≈ argmin L^{support}(φ) + (λ/2)‖φ − θ‖² by {@code steps} SGD steps from θ (detached leaves). */
    public static ParamSet proximalAdapt(ParamSet theta, Function<ParamSet, Tensor> supportLoss, double lr, int steps, double lambda) {
        ParamSet anchor = InnerSgd.frozen(theta);
        ParamSet phi = InnerSgd.detachedLeaves(theta);
        Scalar halfLambda = new Scalar(lambda / 2);
        for (int s = 0; s < steps; s++) {
            Tensor loss = supportLoss.apply(phi);
            for (int i = 0; i < phi.size(); i++) {
                Tensor d = phi.tensors().get(i).sub(anchor.tensors().get(i));
                loss = loss.add(d.mul(d).sum().mul(halfLambda));
            }
            phi = InnerSgd.step(phi, loss, lr, false);
        }
        return phi;
    }

    /**
     * The implicit meta-gradient g = (I + H/λ)^{-1} ∇_φ L^{query}(φ) at φ = {@link #proximalAdapt}(θ),
     * by conjugate gradient on Hessian-vector products of the support loss. Generic in the losses
     * so that it can be checked against a closed form.
     */
    public static TaskGradient implicitGradient(ParamSet theta, Function<ParamSet, Tensor> supportLoss,
                                                Function<ParamSet, Tensor> queryLoss, Settings s) {
        ParamSet phi = proximalAdapt(theta, supportLoss, s.innerLr(), s.innerSteps(), s.lambda());
        Tensor query = queryLoss.apply(phi);
        double queryValue = query.item_double();
        List<Tensor> b = detach(InnerSgd.gradients(query, phi, false));
        return new TaskGradient(solve(phi, supportLoss, b, s), queryValue);
    }

    /** x ≈ (I + H/λ)⁻¹ b by conjugate gradient, H the support-loss Hessian at φ (Hessian-vector products). */
    static List<Tensor> solve(ParamSet phi, Function<ParamSet, Tensor> supportLoss, List<Tensor> b, Settings s) {
        List<Tensor> supportGrad = InnerSgd.gradients(supportLoss.apply(phi), phi, true);
        Function<List<Tensor>, List<Tensor>> operator = v -> {
            Tensor inner = null;
            for (int i = 0; i < v.size(); i++) {
                Tensor term = supportGrad.get(i).mul(v.get(i)).sum();
                inner = inner == null ? term : inner.add(term);
            }
            TensorVector hv = torch.grad(new TensorVector(inner), phi.vector(), new TensorVector(),
                    new BoolOptional(true), false, false);
            List<Tensor> out = new ArrayList<>(v.size());
            try (NoGradGuard guard = new NoGradGuard()) {
                for (int i = 0; i < v.size(); i++) {
                    out.add(v.get(i).add(new Tensor(hv.get(i)), new Scalar(1.0 / s.lambda())));
                }
            }
            return out;
        };
        return conjugateGradient(operator, b, s.cgSteps());
    }

    /** Solves A x = b for a symmetric positive-definite A given as a function, from x = 0 (Hestenes and Stiefel 1952); b must not require grad. */
    static List<Tensor> conjugateGradient(Function<List<Tensor>, List<Tensor>> a, List<Tensor> b, int steps) {
        // No NoGradGuard here: the operator differentiates (Hessian-vector products). b and every
        // iterate do not require grad, so the vector updates build no graph.
        {
            List<Tensor> x = new ArrayList<>();
            List<Tensor> r = new ArrayList<>();
            List<Tensor> p = new ArrayList<>();
            for (Tensor t : b) {
                x.add(torch.zeros_like(t));
                r.add(t.clone());
                p.add(t.clone());
            }
            double rs = dot(r, r);
            double tolerance = 1e-20 * Math.max(rs, Double.MIN_NORMAL);
            for (int k = 0; k < steps && rs > tolerance; k++) {
                List<Tensor> ap = a.apply(p);
                double alpha = rs / dot(p, ap);
                for (int i = 0; i < b.size(); i++) {
                    x.get(i).add_(p.get(i), new Scalar(alpha));
                    r.get(i).sub_(ap.get(i), new Scalar(alpha));
                }
                double next = dot(r, r);
                double beta = next / rs;
                for (int i = 0; i < b.size(); i++) {
                    p.set(i, r.get(i).add(p.get(i), new Scalar(beta)));
                }
                rs = next;
            }
            return x;
        }
    }

    private static double dot(List<Tensor> u, List<Tensor> v) {
        double s = 0;
        for (int i = 0; i < u.size(); i++) {
            s += u.get(i).mul(v.get(i)).sum().item_double();
        }
        return s;
    }

    private static List<Tensor> detach(List<Tensor> ts) {
        List<Tensor> out = new ArrayList<>(ts.size());
        for (Tensor t : ts) {
            out.add(t.detach());
        }
        return out;
    }

    /** The implicit meta-gradient of one classification task. */
    public TaskGradient taskGradient(Episode task) {
        if (gradients.checkpointing()) {
            return checkpointedTaskGradient(task);
        }
        return implicitGradient(params,
                p -> Losses.crossEntropy(model.logits(p, task.supportX()), task.supportY()),
                p -> Losses.crossEntropy(model.logits(p, task.queryX()), task.queryY()), settings);
    }

    /**
     * {@link #implicitGradient} with the inner loop's gradients ∇L^{support}(φ) + λ(φ − θ) and the query
     * gradient b segment-recomputed; the solver is unchanged.
     */
    private TaskGradient checkpointedTaskGradient(Episode task) {
        ParamSet anchor = InnerSgd.frozen(params);
        ParamSet phi = InnerSgd.detachedLeaves(params);
        Scalar lambda = new Scalar(settings.lambda());
        for (int step = 0; step < settings.innerSteps(); step++) {
            List<Tensor> g = gradients.gradients(phi, List.of(task.supportX()),
                    (features, w) -> Losses.crossEntropy(LinearHead.apply(w, features.apply(0)), task.supportY())).gradients();
            List<Tensor> total = new ArrayList<>(g.size());
            try (NoGradGuard guard = new NoGradGuard()) {
                for (int i = 0; i < g.size(); i++) {
                    total.add(g.get(i).add(phi.tensors().get(i).sub(anchor.tensors().get(i)), lambda));
                }
            }
            phi = InnerSgd.step(phi, total, settings.innerLr());
        }
        SegmentRecompute.Gradients query = gradients.gradients(phi, List.of(task.queryX()),
                (features, w) -> Losses.crossEntropy(LinearHead.apply(w, features.apply(0)), task.queryY()));
        List<Tensor> b = detach(query.gradients());
        return new TaskGradient(solve(phi, p -> Losses.crossEntropy(model.logits(p, task.supportX()), task.supportY()), b, settings),
                query.loss());
    }

    @Override
    public com.fasterxml.jackson.databind.node.ObjectNode describeTechniques() {
        return gradients.describe("inner-loop gradients and the query gradient b; CG Hessian-vector products keep their"
                    + " support-gradient graph (not checkpointed)",
                "task by task");
    }

    /** The tasks' implicit meta-gradients summed, and their mean query loss in {@code meanLoss[0]}. */
    private List<Tensor> summedTaskGradients(List<Episode> tasks, double[] meanLoss) {
        double total = 0;
        List<Tensor> sum = new java.util.ArrayList<>(params.size());
        for (Tensor p : params.tensors()) {
            sum.add(torch.zeros_like(p));
        }
        for (Episode task : tasks) {
            // each task's inner loop and CG solve are freed before the next one
            try (PointerScope taskScope = new PointerScope()) {
                TaskGradient g = taskGradient(task);
                total += g.queryLoss() / tasks.size();
                try (NoGradGuard guard = new NoGradGuard()) {
                    for (int i = 0; i < sum.size(); i++) {
                        sum.get(i).add_(g.gradient().get(i));
                    }
                }
            }
        }
        meanLoss[0] = total;
        return sum;
    }

    /** The implicit meta-gradient (1/B) Σ_i g_i the step would apply. */
    @Override
    public java.util.Optional<OuterDirection> outerDirection(List<Episode> tasks) {
        List<Tensor> sum = summedTaskGradients(tasks, new double[1]);
        Scalar scale = new Scalar(1.0 / tasks.size());
        List<Tensor> mean = new java.util.ArrayList<>(sum.size());
        for (Tensor g : sum) {
            mean.add(g.mul(scale));
        }
        return java.util.Optional.of(new OuterDirection(mean, true));
    }

    @Override
    public double metaStep(List<Episode> tasks) {
        optimizer.zeroGrad();
        double[] meanLoss = new double[1];
        List<Tensor> sum = summedTaskGradients(tasks, meanLoss);
        double total = meanLoss[0];
        // θ.grad = (1/B) Σ_i g_i, through the surrogate ⟨θ, mean g⟩ whose gradient is exactly that.
        Tensor surrogate = null;
        Scalar scale = new Scalar(1.0 / tasks.size());
        for (int i = 0; i < params.size(); i++) {
            Tensor term = params.tensors().get(i).mul(sum.get(i)).sum().mul(scale);
            surrogate = surrogate == null ? term : surrogate.add(term);
        }
        surrogate.backward();
        optimizer.step();
        return total;
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        ParamSet fast = proximalAdapt(params, p -> Losses.crossEntropy(model.logits(p, episode.supportX()), episode.supportY()),
                settings.innerLr(), evalInnerSteps, settings.lambda());
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(model.logits(fast, episode.queryX()));
        }
    }

    /** The proximal inner loop on the support set (as {@link #adaptAndPredict}), then the query loss. */
    @Override
    public double adaptAndQueryLoss(Episode episode) {
        ParamSet fast = proximalAdapt(params, p -> Losses.crossEntropy(model.logits(p, episode.supportX()), episode.supportY()),
                settings.innerLr(), evalInnerSteps, settings.lambda());
        return MetaLearner.queryLoss(model, fast, episode);
    }

    @Override
    public java.util.OptionalLong outerStateBytes() {
        return java.util.OptionalLong.of(optimizer.stateBytes());
    }

    @Override
    public ParamSet parameters() {
        return params;
    }
}

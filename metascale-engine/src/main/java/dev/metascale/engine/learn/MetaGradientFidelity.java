package dev.metascale.engine.learn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.Precision;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How closely a learner's outer update follows the exact meta-gradient: at sampled iterations, on the same tasks
 * and at the same parameters θ, the learner's direction g ({@link MetaLearner#outerDirection}) against the exact
 * second-order MAML meta-gradient g* = ∇θ (1/B) Σ_T L^query_T(θ'_T(θ)) (Finn et al. 2017, eq. 3–4, differentiated
 * through every one of the learner's {@code inner_steps} SGD steps of size {@code inner_lr}), computed in float32
 * with no technique applied (no checkpointing, chunking, threads or autocast):
 * <pre>  cosine = ⟨g, g*⟩ / (‖g‖ ‖g*‖)        relative error = ‖g − g*‖ / ‖g*‖</pre>
 * over all meta-parameters flattened. MAML checked against itself gives cosine 1 and error ~1e-7 (float32 sums);
 * FOMAML drops the second-order term (Finn et al. §5.2), iMAML solves for the proximal objective's implicit gradient
 * (Rajeswaran et al. 2019, eq. 5), ANIL adapts the head only (Raghu et al. 2020), bf16 rounds every product, and
 * Reptile's update is a direction whose length scales with the inner steps (Nichol et al. 2018, §5): its relative
 * error is not recorded, its cosine is.
 */
public final class MetaGradientFidelity {
    private final Maml exact;

    /** @param learner the trial's learner; the reference shares its parameters (it never updates them) */
    public MetaGradientFidelity(Model model, MetaLearner learner, AlgorithmSpec algorithm) {
        this.exact = new Maml(model, learner.parameters(), algorithm.innerLr(), algorithm.innerSteps(), algorithm.evalInnerSteps(),
                algorithm.outerLr());
    }

    /** One comparison; the relative error is NaN when the learner's direction has no gradient scale. */
    public record Sample(double cosine, double relativeError) {
    }

    /**
     * Compares the learner's direction with the exact meta-gradient on {@code tasks} at the current parameters; empty
     * when the learner's update approximates no MAML meta-gradient. Updates nothing.
     */
    public Optional<Sample> measure(MetaLearner learner, List<Episode> tasks) {
        Optional<MetaLearner.OuterDirection> direction = learner.outerDirection(tasks);
        if (direction.isEmpty()) {
            return Optional.empty();
        }
        List<Tensor> reference;
        try (Precision exactFloat32 = Precision.exactFloat32()) {
            exact.zeroGrad();
            exact.accumulateMetaGradient(tasks);
            reference = MetaLearner.gradientsOf(exact.parameters());
            exact.zeroGrad();
        }
        return Optional.of(compare(direction.get(), reference));
    }

    static Sample compare(MetaLearner.OuterDirection direction, List<Tensor> reference) {
        try (NoGradGuard guard = new NoGradGuard()) {
            double dot = 0;
            double g2 = 0;
            double r2 = 0;
            double d2 = 0;
            for (int i = 0; i < reference.size(); i++) {
                Tensor g = direction.tensors().get(i).to(org.bytedeco.pytorch.global.torch.ScalarType.Double);
                Tensor r = reference.get(i).to(org.bytedeco.pytorch.global.torch.ScalarType.Double);
                dot += g.mul(r).sum().item_double();
                g2 += g.mul(g).sum().item_double();
                r2 += r.mul(r).sum().item_double();
                Tensor diff = g.sub(r);
                d2 += diff.mul(diff).sum().item_double();
            }
            double cosine = g2 == 0 || r2 == 0 ? Double.NaN : dot / Math.sqrt(g2 * r2);
            double error = direction.gradientScale() && r2 > 0 ? Math.sqrt(d2 / r2) : Double.NaN;
            return new Sample(cosine, error);
        }
    }

    /** {@code {mean, min, max, n, samples}} of one quantity over the sampled iterations. */
    public static ObjectNode summary(List<Double> values) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("mean", values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        out.put("min", values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
        out.put("max", values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        out.put("n", values.size());
        var samples = out.putArray("samples");
        values.forEach(samples::add);
        return out;
    }

    /** The iterations sampled: the middle, three quarters and the last of training (at or after the warm-up), distinct. */
    public static List<Integer> sampledIterations(int iterations, int warmup) {
        List<Integer> out = new ArrayList<>();
        for (int it : new int[]{iterations / 2, (3 * iterations) / 4, iterations - 1}) {
            int at = Math.max(warmup, Math.min(iterations - 1, it));
            if (!out.contains(at)) {
                out.add(at);
            }
        }
        return out;
    }
}

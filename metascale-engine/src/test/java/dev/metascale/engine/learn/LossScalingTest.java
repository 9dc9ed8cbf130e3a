package dev.metascale.engine.learn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.TrialExecutor;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.LossScaler;
import dev.metascale.engine.technique.Precision;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fp16 with dynamic loss scaling on libtorch's CPU autocast: the scaler's policy, why it is needed (float16 gradients
 * underflow), its fidelity to fp32 (MAML's meta-gradient, whose inner-loop gradients it also scales) and its
 * recovery from a planted overflow.
 */
class LossScalingTest {
    private static final torch.ScalarType F32 = torch.ScalarType.Float;

    /** GradScaler's policy: backoff and a skipped step on a non-finite gradient, growth after N finite ones. */
    @Test
    void policyBacksOffOnOverflowAndGrowsAfterTheInterval() {
        TorchRuntime.configure(1);
        try (PointerScope scope = new PointerScope()) {
            LossScaler scaler = LossScaler.dynamic(1024, 2, 0.5, 2);
            assertTrue(scaler.unscaleAndUpdate(List.of(leafWithGrad(1024))));
            Tensor p = leafWithGrad(2048);
            assertTrue(scaler.unscaleAndUpdate(List.of(p)), "second finite step");
            assertEquals(2.0, p.grad().max().item_double(), 0, "the gradient is divided by the scale in place");
            assertEquals(2048, scaler.scale(), 0, "grown after growth_interval = 2 finite steps");
            assertFalse(scaler.unscaleAndUpdate(List.of(leafWithGrad(Double.POSITIVE_INFINITY))));
            assertEquals(1024, scaler.scale(), 0, "backed off by 1/2");
            assertFalse(scaler.unscaleAndUpdate(List.of(leafWithGrad(Double.NaN))));
            assertEquals(512, scaler.scale(), 0);
            assertEquals(2, scaler.skipped());
            JsonNode d = scaler.describe();
            assertEquals("[3,4]", d.get("skipped_at_step").toString());
            assertEquals(3, d.get("scale_history").size(), "one growth and two backoffs: " + d);
            assertEquals(512, d.get("final_scale").asDouble(), 0);
        }
    }

    /**
     * The reason for the scaler: a loss of 1e-6 nats has gradients below float16's smallest subnormal (2^-24 ≈ 6e-8)
     * inside the fp16 matrix products, which then read zero; the loss scaled by 2^16 keeps them, and divided by S
     * they match fp32.
     */
    @Test
    void smallGradientsUnderflowInFp16WithoutTheScalerAndSurviveWithIt() {
        TorchRuntime.configure(1);
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(32));
            ParamSet params = model.init(0, 5, F32);
            Episode task = TinyTasks.make(1, 5, 4, 1, 7, F32).get(0);
            Scalar tiny = new Scalar(1e-6);
            Tensor exact = firstLayerGradient(model, params, task, tiny, "fp32", LossScaler.IDENTITY);
            Tensor unscaled = firstLayerGradient(model, params, task, tiny, "fp16", LossScaler.IDENTITY);
            Tensor scaled = firstLayerGradient(model, params, task, tiny, "fp16", LossScaler.dynamic());
            double exactNorm = exact.norm().item_double();
            assertTrue(exactNorm > 0);
            double lostWithout = exact.sub(unscaled).norm().item_double() / exactNorm;
            double lostWith = exact.sub(scaled).norm().item_double() / exactNorm;
            assertTrue(lostWithout > 0.5, "fp16 without scaling should lose most of the gradient, lost " + lostWithout);
            assertTrue(lostWith < 0.02, "fp16 with scaling should match fp32 to float16's precision, error " + lostWith);
        }
    }

    private static Tensor firstLayerGradient(Model model, ParamSet params, Episode task, Scalar factor, String precision,
                                             LossScaler scaler) {
        try (Precision p = Precision.enter(precision, scaler)) {
            Tensor loss = Losses.crossEntropy(model.logits(params, task.supportX()), task.supportY()).mul(factor);
            return InnerSgd.gradients(loss, params, false).get(0).to(F32);
        }
    }

    /**
     * MAML's second-order meta-gradient under fp16 + scaling — the outer gradient of S·L^{query} and the inner-loop
     * gradients of S·L^{support}, each divided by S — is within 2 % (relative L2) of the fp32 meta-gradient at the same
     * parameters on the same tasks: float16 keeps 11 significant bits (~5e-4 per operation).
     */
    @Test
    void fp16MetaGradientOfMamlIsWithinTwoPercentOfFp32() {
        TorchRuntime.configure(1);
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(32));
            ParamSet params = model.init(3, 5, F32);
            Maml maml = new Maml(model, params, 0.5, 2, 2, 1e-3);
            List<Episode> tasks = TinyTasks.make(2, 5, 2, 3, 11, F32);
            List<Tensor> exact = direction(maml, tasks, "fp32");
            List<Tensor> half = direction(maml, tasks, "fp16");
            double num = 0;
            double den = 0;
            for (int i = 0; i < exact.size(); i++) {
                num += Math.pow(exact.get(i).sub(half.get(i)).norm().item_double(), 2);
                den += Math.pow(exact.get(i).norm().item_double(), 2);
            }
            double relative = Math.sqrt(num / den);
            assertTrue(den > 0);
            assertTrue(relative < 0.02, "fp16 meta-gradient relative error " + relative);
        }
    }

    private static List<Tensor> direction(Maml maml, List<Episode> tasks, String precision) {
        try (Precision p = Precision.enter(precision)) {
            return maml.outerDirection(tasks).orElseThrow().tensors();
        }
    }

    /**
     * A planted overflow: training starts at a loss scale of 2^30, at which the fp16 gradients overflow. The scaler skips
     * those steps (parameters untouched, the scale halved each time) until the gradients are finite, then trains; with a
     * growth interval of 5 it grows back and backs off again (on this task S = 2^17 already overflows). After it the parameters are finite and the meta-training
     * loss has come down as in fp32.
     */
    @Test
    void recoversFromAPlantedOverflowAndTrainsLikeFp32() {
        TorchRuntime.configure(1);
        double fp32 = trainedLoss("fp32", LossScaler.IDENTITY);
        LossScaler planted = LossScaler.dynamic(Math.pow(2, 30), 2, 0.5, 5);
        double fp16 = trainedLoss("fp16", planted);
        JsonNode d = planted.describe();
        assertTrue(planted.skipped() >= 5, "2^30 overflows float16's range (65504): steps must be skipped; " + d);
        assertTrue(planted.skipped() < planted.steps() / 2, "the scale must come back into range and train: " + d);
        assertTrue(d.get("growths").asInt() >= 1, "finite steps in a row grow the scale again: " + d);
        assertTrue(planted.scale() < Math.pow(2, 20), "the scale settled far below the planted one: " + d);
        assertTrue(Double.isFinite(fp16));
        // the same episodes, a few skipped steps fewer: the loss reached is within 20 % of fp32's
        assertTrue(Math.abs(fp16 - fp32) <= 0.2 * fp32, "fp16 " + fp16 + " vs fp32 " + fp32 + "; " + d);
    }

    /** Mean meta-training loss of the last 10 of 60 MAML steps (those not skipped) on fixed tiny tasks, from the same initialisation. */
    private static double trainedLoss(String precision, LossScaler scaler) {
        try (PointerScope scope = new PointerScope()) {
            Model model = new Mlp(16, List.of(32));
            ParamSet params = model.init(5, 3, F32);
            Maml maml = new Maml(model, params, 0.5, 1, 1, 3e-3);
            List<Episode> tasks = TinyTasks.make(8, 3, 3, 3, 13, F32);
            double last = 0;
            int counted = 0;
            try (Precision p = Precision.enter(precision, scaler)) {
                for (int step = 0; step < 60; step++) {
                    try (PointerScope iteration = new PointerScope()) {
                        List<Tensor> before = params.tensors().stream().map(t -> t.detach().clone()).toList();
                        double loss = maml.metaStep(tasks.subList((step * 2) % 8, (step * 2) % 8 + 2));
                        if (step >= 50 && Double.isFinite(loss)) { // a skipped step's loss may have overflowed
                            last += loss;
                            counted++;
                        }
                        for (Tensor t : params.tensors()) {
                            assertTrue(torch.isfinite(t).all().item_bool(), "parameters stay finite at step " + step);
                        }
                        if (scaler.active() && scaler.describe().get("skipped_at_step").toString().contains(String.valueOf(step + 1))
                                && lastSkipped(scaler) == step + 1) {
                            for (int i = 0; i < before.size(); i++) {
                                assertTrue(torch.equal(before.get(i), params.tensors().get(i)), "a skipped step leaves θ untouched");
                            }
                        }
                    }
                }
            }
            return last / counted;
        }
    }

    private static int lastSkipped(LossScaler scaler) {
        JsonNode at = scaler.describe().get("skipped_at_step");
        return at.isEmpty() ? -1 : at.get(at.size() - 1).asInt();
    }

    /** The trial path: an fp16 trial records its scaler and reaches fp32's accuracy within 5 points on the same episodes. */
    @Test
    void fp16TrialRecordsTheScalerAndStaysWithinFivePointsOfFp32() {
        double fp32 = trial("fp32").metrics().get("accuracy").get("mean").asDouble();
        TrialResult half = trial("fp16");
        double fp16 = half.metrics().get("accuracy").get("mean").asDouble();
        JsonNode policy = half.env().get("precision_policy");
        assertEquals("float16", policy.get("autocast_dtype").asText());
        JsonNode scaling = policy.get("loss_scaling");
        assertEquals(25, scaling.get("outer_steps").asInt(), "one check per meta-step: " + scaling);
        assertTrue(fp32 > 0.5, "fp32 should learn the task: " + fp32);
        assertTrue(Math.abs(fp16 - fp32) <= 0.05, "fp16 " + fp16 + " vs fp32 " + fp32);
    }

    private static TrialResult trial(String precision) {
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("mlp", "", List.of(64), 0), new AlgorithmSpec("maml", 0.4, 1, 3, 0.005, 2),
                new TrainSpec(25, 2), new EvalSpec(40, 1000, "synthetic"), new TechniqueSpec(precision, 0, 1), 0, 600, "none");
        return TrialExecutor.execute(spec, 1, "t", line -> { });
    }

    private static Tensor leafWithGrad(double value) {
        Tensor p = torch.ones(new long[]{3}, new TensorOptions(F32)).requires_grad_(true);
        p.mul(new Scalar(value)).sum().backward();
        return p;
    }
}

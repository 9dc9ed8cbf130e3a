package dev.metascale.engine.technique;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.TrialExecutor;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrecisionTest {

    @Test
    void bf16RunsConvolutionsInBfloat16AndKeepsFloat32Gradients() {
        TorchRuntime.configure(1);
        try (PointerScope scope = new PointerScope()) {
            Model model = new Conv4(1, 8, 28, 28);
            ParamSet params = model.init(0, 5, torch.ScalarType.Float);
            Tensor x = torch.rand(new long[]{4, 1, 28, 28}, new TensorOptions(torch.ScalarType.Float));
            try (Precision p = Precision.enter("bf16")) {
                Tensor logits = model.logits(params, x);
                assertEquals("BFloat16", logits.scalar_type().intern().toString(), "linear runs in bf16 under autocast");
                logits.to(torch.ScalarType.Float).sum().backward();
            }
            assertEquals("Float", params.tensors().get(0).grad().scalar_type().intern().toString(), "gradients stay float32");
            assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU), "closing the region restores fp32");
            assertEquals("Float", model.logits(params, x).scalar_type().intern().toString());
        }
    }

    @Test
    void fp16EntersFloat16AutocastWithADynamicScalerAndRestoresBoth() {
        TorchRuntime.configure(1);
        try (PointerScope scope = new PointerScope()) {
            Model model = new Conv4(1, 8, 28, 28);
            ParamSet params = model.init(0, 5, torch.ScalarType.Float);
            Tensor x = torch.rand(new long[]{2, 1, 28, 28}, new TensorOptions(torch.ScalarType.Float));
            try (Precision p = Precision.enter("fp16")) {
                assertEquals("Half", model.logits(params, x).scalar_type().intern().toString(), "linear runs in fp16 under autocast");
                assertTrue(LossScaler.current().active());
                assertEquals(LossScaler.INIT_SCALE, LossScaler.current().scale(), 0);
                assertEquals("float16", p.describe().get("autocast_dtype").asText());
                assertTrue(p.describe().has("loss_scaling"));
                try (Precision exact = Precision.exactFloat32()) {
                    assertFalse(LossScaler.current().active(), "an exact reference inside the region is not scaled");
                }
                assertTrue(LossScaler.current().active());
            }
            assertFalse(LossScaler.current().active(), "closing the region removes the scaler");
            assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.enter("fp8"));
        assertTrue(e.getMessage().contains("use fp32, bf16 or fp16"));
    }

    /**
     * Tolerance: bf16 keeps 8 bits of mantissa, which moves the training trajectory; one seed's outcome then moves by
     * as much as the seed itself does (on an AVX512-BF16 EPYC, MAML seeds 0-3: -5.1, -0.2, -0.1, +3.6 points bf16 vs
     * fp32 — no systematic effect, but seed 0 alone failed a 5-point bound). So the claim is tested on the mean over
     * three seeds, paired (same seeds, same episodes): within 5 points.
     */
    @ParameterizedTest
    @ValueSource(strings = {"maml", "protonet"})
    void bf16TrainingStaysWithinFivePointsOfFp32OnTheSameEpisodes(String algorithm) {
        double fp32 = 0;
        double bf16 = 0;
        int seeds = 3;
        for (int seed = 0; seed < seeds; seed++) {
            fp32 += accuracy(algorithm, "fp32", seed) / seeds;
            bf16 += accuracy(algorithm, "bf16", seed) / seeds;
        }
        assertTrue(fp32 > 0.5, algorithm + " fp32 should learn the task: " + fp32);
        assertTrue(Math.abs(bf16 - fp32) <= 0.05, algorithm + ": bf16 " + bf16 + " vs fp32 " + fp32 + " (mean of " + seeds + " seeds)");
    }

    private static double accuracy(String algorithm, String precision, int seed) {
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("conv4", "", List.of(), 8), new AlgorithmSpec(algorithm, 0.4, 1, 3, 0.005, 2),
                new TrainSpec(25, 2), new EvalSpec(40, 1000, "synthetic"), new TechniqueSpec(precision, 0, 1), seed, 600, "none");
        TrialResult r = TrialExecutor.execute(spec, 1, "t", line -> { });
        assertEquals(precision, r.env().get("precision_policy").get("precision").asText());
        return r.metrics().get("accuracy").get("mean").asDouble();
    }
}

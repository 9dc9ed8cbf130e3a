package dev.metascale.engine.technique;

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
import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.FoMaml;
import dev.metascale.engine.learn.Losses;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.learn.ProtoNet;
import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.model.ResNet12;
import dev.metascale.engine.model.Vit;
import dev.metascale.engine.probe.KinetoProfiler;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.metascale.engine.technique.GradientFixtures.F64;
import static dev.metascale.engine.torch.ParamVectors.grads;
import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segment recompute on the deeper backbones, ResNet-12 (a residual stage per block) and ViT (a
 * Transformer layer per block): checkpointed meta-gradients equal the plain ones in float64, and on a
 * 6-layer ViT the peak tensor memory of a gradient falls.
 */
class DeepBackboneRecomputeTest {
    /** ResNet-12 tiny on 16×16 images (16 → 8 → 4 → 2 → 1). */
    private static final Model RESNET = ResNet12.preset("tiny", 16, 16);
    private static final int RESNET_SIDE = 16;
    /** ViT tiny (2 layers) on 12×12 images: 9 tokens of 4×4 patches. */
    private static final Model VIT = Vit.preset("tiny", 12, 12);
    private static final int VIT_SIDE = 12;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static List<Episode> tasks(int side) {
        return GradientFixtures.tasks(2, 3, 2, 3, side, 17);
    }

    private static double[] fomamlGradient(Model model, int side, TrainingTechniques t) {
        FoMaml learner = new FoMaml(model, model.init(5, 3, F64), 0.3, 2, 2, 1e-3, t);
        learner.zeroGrad();
        learner.accumulateMetaGradient(tasks(side));
        return grads(learner.parameters());
    }

    private static double[] mamlGradient(Model model, int side, TrainingTechniques t) {
        Maml learner = new Maml(model, model.init(5, 3, F64), 0.3, 2, 2, 1e-3, t);
        learner.zeroGrad();
        learner.accumulateMetaGradient(tasks(side));
        return grads(learner.parameters());
    }

    private static double[] protoNetGradient(Model model, int side, TrainingTechniques t) {
        ProtoNet learner = new ProtoNet(model, model.init(5, 0, F64), 1e-3, t);
        learner.zeroGrad();
        learner.accumulateMetaGradient(tasks(side));
        return grads(learner.parameters());
    }

    private static void assertClose(double[] checkpointed, double[] plain, String what) {
        double error = relativeError(checkpointed, plain);
        assertTrue(error <= 1e-6, what + ": relative error " + error);
        double norm = 0;
        for (double v : plain) {
            norm += v * v;
        }
        assertTrue(norm > 0, what + ": gradient is not trivially zero");
    }

    @Test
    void fomamlCheckpointedGradientsEqualPlainOnResNet12AndVit() {
        try (PointerScope scope = new PointerScope()) {
            double[] plainResNet = fomamlGradient(RESNET, RESNET_SIDE, TrainingTechniques.NONE);
            for (int segments : new int[]{2, 4}) {
                assertClose(fomamlGradient(RESNET, RESNET_SIDE, new TrainingTechniques(segments, 0)), plainResNet,
                        "fomaml resnet12, " + segments + " segments");
            }
            assertClose(fomamlGradient(VIT, VIT_SIDE, new TrainingTechniques(2, 0)),
                    fomamlGradient(VIT, VIT_SIDE, TrainingTechniques.NONE), "fomaml vit");
        }
    }

    @Test
    void protoNetCheckpointedGradientsEqualPlainOnResNet12AndVit() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(protoNetGradient(RESNET, RESNET_SIDE, new TrainingTechniques(3, 0)),
                    protoNetGradient(RESNET, RESNET_SIDE, TrainingTechniques.NONE), "protonet resnet12");
            assertClose(protoNetGradient(VIT, VIT_SIDE, new TrainingTechniques(2, 0)),
                    protoNetGradient(VIT, VIT_SIDE, TrainingTechniques.NONE), "protonet vit");
        }
    }

    @Test
    void secondOrderMamlWithTheQueryPassCheckpointedEqualsPlainOnResNet12AndVit() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(mamlGradient(RESNET, RESNET_SIDE, new TrainingTechniques(2, 0)),
                    mamlGradient(RESNET, RESNET_SIDE, TrainingTechniques.NONE), "maml resnet12");
            assertClose(mamlGradient(VIT, VIT_SIDE, new TrainingTechniques(2, 0)),
                    mamlGradient(VIT, VIT_SIDE, TrainingTechniques.NONE), "maml vit");
        }
    }

    @Test
    void aCheckpointedVitTrialRecordsOneLayerPerSegmentAndItsRecomputeFlops() {
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 3, 1, 3),
                new ModelSpec("vit", "tiny", List.of(), 8),
                new AlgorithmSpec("protonet", 0.4, 1, 1, 0.005, 2, 3, 1.0, 4, 8),
                new TrainSpec(3, 1), new EvalSpec(3, 1000, "synthetic"), new TechniqueSpec("fp32", 2, 1), 0, 600, "none");
        TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });
        assertTrue(result.isOk(), String.valueOf(result));
        JsonNode record = result.env().get("checkpointing");
        assertEquals(2, record.get("segments").asInt(), record.toString());
        assertEquals("[1,1]", record.get("blocks_per_segment").toString());
        assertTrue(result.metrics().path("flops_breakdown").path("recompute").asLong() > 0, result.metrics().toString());
    }

    /** Peak live tensor bytes (Kineto's allocation events) of one cross-entropy gradient, plain or in segments. */
    private static long peakBytes(Model model, ParamSet params, Tensor x, Tensor y, int segments) {
        try (PointerScope scope = new PointerScope()) {
            KinetoProfiler.Window window = KinetoProfiler.start().orElseThrow();
            if (segments == 0) {
                Tensor loss = Losses.crossEntropy(model.logits(params, x), y);
                TensorVector g = torch.grad(new TensorVector(loss), params.vector(), new TensorVector(),
                        new BoolOptional(false), false, false);
                assertEquals(params.size(), g.size());
            } else {
                new SegmentRecompute(model, segments).gradients(params, List.of(x),
                        (f, leaves) -> Losses.crossEntropy(LinearHead.apply(leaves, f.get(0)), y));
            }
            return window.stop(1, null).peakTensorBytes();
        }
    }

    @Test
    void peakTensorMemoryFallsOnASixLayerVit() {
        assertEquals("", KinetoProfiler.unavailableReason().orElse(""));
        Model model = Vit.preset("small", 28, 28);
        try (PointerScope scope = new PointerScope()) {
            ParamSet params = model.init(1, 5, torch.ScalarType.Float);
            torch.manual_seed(3);
            Tensor x = torch.randn(32, 1, 28, 28);
            Tensor y = torch.randint(5, new long[]{32}, new TensorOptions(torch.ScalarType.Long));
            long t0 = System.nanoTime();
            long plain = peakBytes(model, params, x, y, 0);
            long t1 = System.nanoTime();
            long checkpointed = peakBytes(model, params, x, y, 3);
            long t2 = System.nanoTime();
            System.out.printf("vit-small (6 layers, d=192, 49 tokens), batch 32: peak tensor bytes plain %.1f MB (%.2f s),"
                    + " 3 segments %.1f MB (%.2f s)%n", plain / 1e6, (t1 - t0) / 1e9, checkpointed / 1e6, (t2 - t1) / 1e9);
            assertTrue(checkpointed < 0.7 * plain, "peak " + checkpointed + " vs plain " + plain);
        }
    }
}

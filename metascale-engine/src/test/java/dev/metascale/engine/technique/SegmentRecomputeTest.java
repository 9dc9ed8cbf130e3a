package dev.metascale.engine.technique;

import dev.metascale.engine.learn.Anil;
import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.FineTune;
import dev.metascale.engine.learn.FoMaml;
import dev.metascale.engine.learn.Imaml;
import dev.metascale.engine.learn.Losses;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.learn.ProtoNet;
import dev.metascale.engine.learn.Reptile;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.probe.KinetoProfiler;
import dev.metascale.engine.probe.OperatorProfile;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.metascale.engine.technique.GradientFixtures.F64;
import static dev.metascale.engine.torch.ParamVectors.grads;
import static dev.metascale.engine.torch.ParamVectors.values;
import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentRecomputeTest {
    private static final Model MLP = new Mlp(36, List.of(12, 10, 10, 8, 8));
    private static final Model CONV4 = new Conv4(1, 4, 16, 16);

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    @Test
    void segmentsSplitTheBlocksIntoNearEqualRuns() {
        assertEquals(List.of(2, 2, 1), new SegmentRecompute(MLP, 3).blocksPerSegment());
        assertEquals(List.of(1, 1, 1, 1), new SegmentRecompute(CONV4, 9).blocksPerSegment());
        assertEquals(List.of(5), new SegmentRecompute(MLP, 1).blocksPerSegment());
    }

    private static double[] fomamlGradient(Model model, int side, TrainingTechniques t) {
        FoMaml learner = new FoMaml(model, model.init(5, 3, F64), 0.3, 2, 2, 1e-3, t);
        List<Episode> tasks = GradientFixtures.tasks(2, 3, 2, 3, side, 17);
        learner.zeroGrad();
        learner.accumulateMetaGradient(tasks);
        return grads(learner.parameters());
    }

    private static double[] mamlGradient(Model model, int side, TrainingTechniques t) {
        Maml learner = new Maml(model, model.init(5, 3, F64), 0.3, 2, 2, 1e-3, t);
        List<Episode> tasks = GradientFixtures.tasks(2, 3, 2, 3, side, 17);
        learner.zeroGrad();
        learner.accumulateMetaGradient(tasks);
        return grads(learner.parameters());
    }

    private static double[] protoNetGradient(Model model, int side, TrainingTechniques t) {
        ProtoNet learner = new ProtoNet(model, model.init(5, 0, F64), 1e-3, t);
        List<Episode> tasks = GradientFixtures.tasks(2, 3, 2, 3, side, 17);
        learner.zeroGrad();
        learner.accumulateMetaGradient(tasks);
        return grads(learner.parameters());
    }

    private static void assertClose(double[] checkpointed, double[] plain, String what) {
        double error = relativeError(checkpointed, plain);
        assertTrue(error <= 1e-6, what + ": relative error " + error);
        assertTrue(Math.abs(plain[0]) > 0 || Math.abs(plain[1]) > 0, what + ": gradient is not trivially zero");
    }

    @Test
    void fomamlCheckpointedGradientsEqualPlainOnMlpAndConv4() {
        try (PointerScope scope = new PointerScope()) {
            double[] plainMlp = fomamlGradient(MLP, 6, TrainingTechniques.NONE);
            for (int segments : new int[]{1, 2, 3, 5}) {
                assertClose(fomamlGradient(MLP, 6, new TrainingTechniques(segments, 0)), plainMlp, "fomaml mlp, " + segments + " segments");
            }
            double[] plainConv = fomamlGradient(CONV4, 16, TrainingTechniques.NONE);
            for (int segments : new int[]{2, 4}) {
                assertClose(fomamlGradient(CONV4, 16, new TrainingTechniques(segments, 0)), plainConv, "fomaml conv4, " + segments + " segments");
            }
        }
    }

    @Test
    void protoNetCheckpointedGradientsEqualPlainOnMlpAndConv4() {
        try (PointerScope scope = new PointerScope()) {
            double[] plainMlp = protoNetGradient(MLP, 6, TrainingTechniques.NONE);
            assertClose(protoNetGradient(MLP, 6, new TrainingTechniques(2, 0)), plainMlp, "protonet mlp");
            assertClose(protoNetGradient(MLP, 6, new TrainingTechniques(5, 0)), plainMlp, "protonet mlp, 5 segments");
            double[] plainConv = protoNetGradient(CONV4, 16, TrainingTechniques.NONE);
            assertClose(protoNetGradient(CONV4, 16, new TrainingTechniques(2, 0)), plainConv, "protonet conv4");
        }
    }

    @Test
    void secondOrderMamlWithTheQueryPassCheckpointedEqualsPlain() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(mamlGradient(MLP, 6, new TrainingTechniques(3, 0)), mamlGradient(MLP, 6, TrainingTechniques.NONE), "maml mlp");
            assertClose(mamlGradient(CONV4, 16, new TrainingTechniques(2, 0)), mamlGradient(CONV4, 16, TrainingTechniques.NONE), "maml conv4");
        }
    }

    private static double[] reptileUpdate(Model model, int side, TrainingTechniques t) {
        Reptile learner = new Reptile(model, model.init(5, 3, F64), 0.3, 3, 3, 0.5, t);
        double[] before = values(learner.parameters());
        learner.metaStep(GradientFixtures.tasks(2, 3, 2, 3, side, 17));
        double[] after = values(learner.parameters());
        for (int i = 0; i < after.length; i++) {
            after[i] -= before[i];
        }
        return after;
    }

    @Test
    void reptileCheckpointedUpdateEqualsPlain() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(reptileUpdate(MLP, 6, new TrainingTechniques(2, 0)), reptileUpdate(MLP, 6, TrainingTechniques.NONE), "reptile mlp");
            assertClose(reptileUpdate(CONV4, 16, new TrainingTechniques(3, 0)), reptileUpdate(CONV4, 16, TrainingTechniques.NONE), "reptile conv4");
        }
    }

    private static double[] fineTunePretrainingGradient(Model model, int side, TrainingTechniques t) {
        FineTune learner = new FineTune(model, model.init(5, 3, F64), 0.3, 2, 1e-3, t);
        learner.metaStep(GradientFixtures.tasks(2, 3, 2, 3, side, 17));
        return grads(learner.parameters()); // the step's gradients stay in .grad until the next step zeroes them
    }

    @Test
    void fineTunePretrainingCheckpointedGradientsEqualPlain() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(fineTunePretrainingGradient(CONV4, 16, new TrainingTechniques(2, 0)),
                    fineTunePretrainingGradient(CONV4, 16, TrainingTechniques.NONE), "finetune conv4");
        }
    }

    private static double[] imamlGradient(Model model, int side, TrainingTechniques t) {
        Imaml learner = new Imaml(model, model.init(5, 3, F64), new Imaml.Settings(0.3, 2, 1.0, 3), 2, 1e-3, t);
        learner.metaStep(GradientFixtures.tasks(2, 3, 2, 3, side, 17));
        return grads(learner.parameters()); // the step's meta-gradient stays in .grad until the next step
    }

    @Test
    void imamlCheckpointedInnerLoopGivesThePlainMetaGradient() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(imamlGradient(MLP, 6, new TrainingTechniques(2, 0)), imamlGradient(MLP, 6, TrainingTechniques.NONE), "imaml mlp");
            assertClose(imamlGradient(CONV4, 16, new TrainingTechniques(4, 0)), imamlGradient(CONV4, 16, TrainingTechniques.NONE), "imaml conv4");
        }
    }

    private static double[] anilGradient(Model model, int side, TrainingTechniques t) {
        Anil learner = new Anil(model, model.init(5, 3, F64), 0.3, 2, 2, 1e-3, t);
        learner.zeroGrad();
        learner.accumulateMetaGradient(GradientFixtures.tasks(2, 3, 2, 3, side, 17));
        return grads(learner.parameters());
    }

    @Test
    void anilCheckpointedBodyGivesThePlainSecondOrderMetaGradient() {
        try (PointerScope scope = new PointerScope()) {
            assertClose(anilGradient(MLP, 6, new TrainingTechniques(3, 0)), anilGradient(MLP, 6, TrainingTechniques.NONE), "anil mlp");
            assertClose(anilGradient(CONV4, 16, new TrainingTechniques(2, 0)), anilGradient(CONV4, 16, TrainingTechniques.NONE), "anil conv4");
        }
    }

    /** Peak live tensor bytes (Kineto's allocation events) of one gradient of a deep MLP's loss. */
    private static long peakBytes(Model model, ParamSet params, Tensor x, Tensor y, int segments) {
        try (PointerScope scope = new PointerScope()) {
            KinetoProfiler.Window window = KinetoProfiler.start().orElseThrow();
            if (segments == 0) {
                Tensor loss = Losses.crossEntropy(model.logits(params, x), y);
                TensorVector g = torch.grad(new TensorVector(loss), params.vector(), new TensorVector(), new BoolOptional(false), false, false);
                assertEquals(params.size(), g.size());
            } else {
                new SegmentRecompute(model, segments).gradients(params, List.of(x),
                        (f, leaves) -> Losses.crossEntropy(LinearHead.apply(leaves, f.get(0)), y));
            }
            OperatorProfile profile = window.stop(1, null);
            return profile.peakTensorBytes();
        }
    }

    @Test
    void peakTensorMemoryFallsOnADeepMlp() {
        assertEquals("", KinetoProfiler.unavailableReason().orElse(""));
        Model model = new Mlp(1024, List.of(1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024));
        try (PointerScope scope = new PointerScope()) {
            ParamSet params = model.init(1, 10, torch.ScalarType.Float);
            Tensor x = torch.randn(2048, 1, 32, 32);
            Tensor y = torch.randint(10, new long[]{2048}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
            long t0 = System.nanoTime();
            long plain = peakBytes(model, params, x, y, 0);
            long t1 = System.nanoTime();
            long checkpointed = peakBytes(model, params, x, y, 4);
            long t2 = System.nanoTime();
            System.out.printf("deep MLP 8x1024, batch 2048: peak tensor bytes plain %.1f MB (%.2f s), 4 segments %.1f MB (%.2f s)%n",
                    plain / 1e6, (t1 - t0) / 1e9, checkpointed / 1e6, (t2 - t1) / 1e9);
            assertTrue(checkpointed < 0.8 * plain, "peak " + checkpointed + " vs plain " + plain);
        }
    }
}

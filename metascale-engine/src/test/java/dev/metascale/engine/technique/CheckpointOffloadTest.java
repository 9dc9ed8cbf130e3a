package dev.metascale.engine.technique;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.Losses;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.metascale.engine.technique.GradientFixtures.F64;
import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offload of checkpoint inputs ({@link CheckpointOffload}): on this CPU build the "device" and the host are the same
 * memory, so what is proven here is the mechanism — the offloaded run's gradients are the checkpointed run's, exactly;
 * every saved input of segments 2..k made the round trip and its host bytes were counted; nothing stays held between
 * steps. The device-memory saving itself is measured by the GPU proof ({@code bench/gpu-proof}).
 */
class CheckpointOffloadTest {
    /** Blocks' output widths 12, 10, 10, 8, 8: three segments are blocks {0,1}, {2,3}, {4}. */
    private static final Model MLP = new Mlp(36, List.of(12, 10, 10, 8, 8));

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static double[] flat(List<Tensor> gradients) {
        return gradients.stream().flatMapToDouble(t -> java.util.Arrays.stream(ArrayTensors.toDoubles(t))).toArray();
    }

    @Test
    void offloadedGradientsEqualTheCheckpointedOnesAndEverySavedInputMadeTheRoundTrip() {
        try (PointerScope scope = new PointerScope()) {
            ParamSet params = MLP.init(5, 7, F64);
            Tensor x1 = torch.randn(new long[]{6, 36}, new TensorOptions(F64));
            Tensor x2 = torch.randn(new long[]{9, 36}, new TensorOptions(F64));
            Tensor y1 = torch.arange(new org.bytedeco.pytorch.Scalar(6)).remainder(new org.bytedeco.pytorch.Scalar(5));
            Tensor y2 = torch.arange(new org.bytedeco.pytorch.Scalar(9)).remainder(new org.bytedeco.pytorch.Scalar(5));
            java.util.function.BiFunction<List<Tensor>, ParamSet, Tensor> tail = (f, leaves) ->
                    Losses.crossEntropy(LinearHead.apply(leaves, f.get(0)), y1)
                            .add(Losses.crossEntropy(LinearHead.apply(leaves, f.get(1)), y2));

            SegmentRecompute.Gradients kept = new SegmentRecompute(MLP, 3).gradients(params, List.of(x1, x2), tail);
            CheckpointOffload offload = new CheckpointOffload(false);
            SegmentRecompute.Gradients offloaded = new SegmentRecompute(MLP, 3, offload).gradients(params, List.of(x1, x2), tail);

            assertEquals(kept.loss(), offloaded.loss(), 0.0);
            double[] a = flat(kept.gradients());
            double[] b = flat(offloaded.gradients());
            assertArrayEquals(a, b, 0.0, "offload changes where the inputs wait, not what is computed");
            assertTrue(java.util.Arrays.stream(a).anyMatch(v -> v != 0), "the gradient is not trivially zero");

            // segments 2 and 3 read the outputs of blocks 1 (width 10) and 3 (width 8): both inputs' copies held at once
            long expected = (6 + 9) * (10 + 8) * 8L;
            assertEquals(expected, offload.peakHostBytes(), "host bytes of the offloaded inputs");
            assertEquals(0, offload.heldBytes(), "every offloaded input came back");
            assertEquals(2 * 2 * 2, offload.copies(), "two inputs × two saved segment inputs × (out and back)");
            assertEquals(false, offload.pinned());
        }
    }

    @Test
    void oneSegmentOffloadsNothing() {
        try (PointerScope scope = new PointerScope()) {
            ParamSet params = MLP.init(5, 7, F64);
            Tensor x = torch.randn(new long[]{4, 36}, new TensorOptions(F64));
            Tensor y = torch.arange(new org.bytedeco.pytorch.Scalar(4));
            CheckpointOffload offload = new CheckpointOffload(false);
            new SegmentRecompute(MLP, 1, offload).gradients(params, List.of(x),
                    (f, leaves) -> Losses.crossEntropy(LinearHead.apply(leaves, f.get(0)), y));
            assertEquals(0, offload.peakHostBytes(), "the first segment's input is the episode itself: never offloaded");
        }
    }

    @Test
    void mamlAndProtoNetMetaGradientsWithOffloadEqualTheCheckpointedOnesOnConv4() {
        Model conv4 = new Conv4(1, 4, 16, 16);
        try (PointerScope scope = new PointerScope()) {
            List<Episode> tasks = GradientFixtures.tasks(2, 3, 2, 3, 16, 17);
            CheckpointOffload offload = new CheckpointOffload(false);
            TrainingTechniques checkpointed = new TrainingTechniques(2, 0);
            TrainingTechniques offloading = new TrainingTechniques(2, 0, 0, false, null, Map.of(), offload);
            double[] lossA = new double[1];
            double[] lossB = new double[1];
            double[] plain = GradientFixtures.mamlMetaGradient(conv4, false, checkpointed, tasks, lossA);
            double[] moved = GradientFixtures.mamlMetaGradient(conv4, false, offloading, tasks, lossB);
            assertTrue(relativeError(moved, plain) <= 1e-12, "maml: relative error " + relativeError(moved, plain));
            assertEquals(lossA[0], lossB[0], 1e-12);
            assertTrue(offload.peakHostBytes() > 0, "maml's checkpointed path offloaded its segment inputs");
            assertEquals(0, offload.heldBytes());

            double[] protoPlain = GradientFixtures.protoNetMetaGradient(conv4, checkpointed, tasks, lossA);
            double[] protoMoved = GradientFixtures.protoNetMetaGradient(conv4, offloading, tasks, lossB);
            assertTrue(relativeError(protoMoved, protoPlain) <= 1e-12, "protonet: relative error " + relativeError(protoMoved, protoPlain));
        }
    }

    @Test
    void offloadWithoutCheckpointingIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingTechniques(0, 0, 0, false, null, Map.of(), new CheckpointOffload(false)));
        assertTrue(e.getMessage().contains("needs checkpointing segments > 0"), e.getMessage());
    }

    @Test
    void theRecordSaysWhereTheInputsWaitedAndHowMuch() {
        CheckpointOffload offload = new CheckpointOffload(false);
        TrainingTechniques t = new TrainingTechniques(2, 0, 0, false, null, Map.of(), offload);
        var node = t.describe().get("offload");
        assertEquals("host memory", node.get("to").asText());
        assertEquals(0, node.get("host_peak_bytes").asLong());
        assertEquals(false, node.get("pinned").asBoolean());
    }
}

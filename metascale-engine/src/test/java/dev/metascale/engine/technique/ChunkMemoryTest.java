package dev.metascale.engine.technique;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.probe.KinetoProfiler;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-propagating task by task must free each task's activations before the next: the meta-step's peak grows with
 * the chunk, not the meta-batch. Every Java handle of a task's forward used to stay attached to the iteration's
 * pointer scope, so 16 tasks held 16 tasks' activations (a Conv-4/32 MAML step on glyphs peaked at 716 MB of
 * tensors instead of 70 MB; ViT × meta_batch 64 was killed at 24 GB).
 *
 * <p>Measured as the peak of live tensor bytes (the profiler's allocation events), which is exact and the same on
 * every machine; the resident set it once used moved by tens of MB with the host's allocator and CPU (CI failed on it).
 */
class ChunkMemoryTest {
    private static final int WAYS = 5;

    @Test
    void sixteenTasksPeakLikeTwoWhenTheyAreBackPropagatedOneByOne() {
        TorchRuntime.configure(1);
        assertEquals("", KinetoProfiler.unavailableReason().orElse(""));
        torch.manual_seed(3);
        Conv4 model = new Conv4(1, 32, 28, 28);
        assertSixteenTasksPeakLikeTwo(new Maml(model, model.init(1, WAYS, torch.ScalarType.Float), 0.3, 1, 1, 0.001));
    }

    @Test
    void reptilesSixteenTasksPeakLikeTwo() {
        TorchRuntime.configure(1);
        assertEquals("", KinetoProfiler.unavailableReason().orElse(""));
        torch.manual_seed(4);
        Conv4 model = new Conv4(1, 32, 28, 28);
        // Reptile's three inner steps per task kept every task's graphs to the iteration's end (3.4 GB at meta_batch 16)
        assertSixteenTasksPeakLikeTwo(new dev.metascale.engine.learn.Reptile(model, model.init(1, WAYS, torch.ScalarType.Float),
                0.1, 3, 3, 0.1));
    }

    @Test
    void checkpointedLearnersSixteenTasksPeakLikeTwo() {
        // with checkpointing the tasks go one at a time through GradientStrategy.metaGradient: every task's fast weights,
        // inner-step graphs and Java handles stayed attached to the iteration's scope (MAML, Conv-4/32, meta-batch 8 on
        // glyphs: 72.5 MiB of tensors plain, 119.3 MiB checkpointed — checkpointing raised the peak it exists to lower)
        TorchRuntime.configure(1);
        assertEquals("", KinetoProfiler.unavailableReason().orElse(""));
        torch.manual_seed(5);
        Conv4 model = new Conv4(1, 32, 28, 28);
        TrainingTechniques checkpointed = new TrainingTechniques(2, 0);
        assertSixteenTasksPeakLikeTwo(new Maml(model, model.init(1, WAYS, torch.ScalarType.Float), 0.3, 2, 1, 0.001, checkpointed));
        assertSixteenTasksPeakLikeTwo(new dev.metascale.engine.learn.ProtoNet(model, model.init(1, 0, torch.ScalarType.Float), 0.001,
                checkpointed));
    }

    /**
     * One task's activations here are ~40 MB: kept all at once, 16 tasks would add ~14 × that over 2 tasks; freed task by
     * task, 16 peak like 2.
     */
    private static void assertSixteenTasksPeakLikeTwo(dev.metascale.engine.learn.MetaLearner learner) {
        List<Episode> tasks = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            tasks.add(task());
        }
        step(learner, tasks.subList(0, 2)); // warm-up: the allocator's and the optimiser's first allocations
        long two = step(learner, tasks.subList(0, 2));
        long sixteen = step(learner, tasks);
        assertTrue(two > 0, "a step allocates tensors");
        System.out.printf("tensor peak of a meta-step: 2 tasks %.1f MB, 16 tasks %.1f MB%n", two / 1e6, sixteen / 1e6);
        assertTrue(sixteen < 1.5 * two, "16 tasks peaked at " + (sixteen >> 20) + " MB of live tensors against "
                + (two >> 20) + " MB for 2: the tasks' activations were not freed one by one");
    }

    /** The peak of tensor bytes allocated during one meta-step over {@code tasks}, inside its own iteration scope. */
    private static long step(dev.metascale.engine.learn.MetaLearner maml, List<Episode> tasks) {
        try (PointerScope iteration = new PointerScope()) {
            KinetoProfiler.Window window = KinetoProfiler.start().orElseThrow();
            maml.metaStep(tasks);
            return window.stop(1, null).peakTensorBytes();
        }
    }

    private static Episode task() {
        long[] support = new long[WAYS];
        long[] query = new long[WAYS * 15];
        for (int i = 0; i < query.length; i++) {
            query[i] = i % WAYS;
            if (i < WAYS) {
                support[i] = i;
            }
        }
        Tensor sx = torch.rand(new long[]{WAYS, 1, 28, 28}, new TensorOptions(torch.ScalarType.Float));
        Tensor qx = torch.rand(new long[]{query.length, 1, 28, 28}, new TensorOptions(torch.ScalarType.Float));
        Tensor sy = ArrayTensors.longs(support, support.length);
        Tensor qy = ArrayTensors.longs(query, query.length);
        sx.retainReference();
        qx.retainReference();
        sy.retainReference();
        qy.retainReference();
        return new Episode(sx, sy, qx, qy, WAYS, new long[]{0, 1, 2, 3, 4});
    }
}

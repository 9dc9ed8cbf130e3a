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
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpointing and chunking end to end through the trial loop: the record says what was done. */
class CheckpointedTrialTest {

    private static TrialResult run(String algorithm, TechniqueSpec techniques) {
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("conv4", "", List.of(), 8),
                new AlgorithmSpec(algorithm, 0.4, 2, 2, 0.005, 2, 3, 1.0, 4, 8),
                new TrainSpec(4, 1), new EvalSpec(5, 1000, "synthetic"), techniques, 0, 600, "none");
        TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });
        assertTrue(result.isOk(), String.valueOf(result));
        return result;
    }

    @Test
    void aCheckpointedFomamlTrialRecordsItsSegmentsAndRecomputeFlops() {
        TrialResult plain = run("fomaml", new TechniqueSpec("fp32", 0, 1));
        TrialResult checkpointed = run("fomaml", new TechniqueSpec("fp32", 3, 1));
        JsonNode record = checkpointed.env().get("checkpointing");
        assertEquals(3, record.get("segments").asInt(), record.toString());
        assertEquals("[2,1,1]", record.get("blocks_per_segment").toString());
        assertTrue(record.get("checkpointed").asText().contains("inner support gradients"));
        assertEquals("none", plain.env().get("checkpointing").get("checkpointed").asText());
        System.out.println("flops plain " + plain.metrics().get("flops_breakdown") + "\nflops checkpointed "
                + checkpointed.metrics().get("flops_breakdown"));
        assertEquals(0, plain.metrics().path("flops_breakdown").path("recompute").asLong());
        // the profiled warm-up window's memory is recorded apart from the training peak
        assertTrue(plain.metrics().has("peak_tensor_bytes"), plain.metrics().toString());
        assertTrue(plain.metrics().get("peak_rss_profile_window_bytes").asLong() > 0, plain.metrics().toString());
        assertTrue(plain.metrics().get("peak_rss_bytes").asLong() > 0, plain.metrics().toString());
        assertTrue(checkpointed.metrics().path("flops_breakdown").path("recompute").asLong() > 0);
    }

    @Test
    void aChunkedProtoNetTrialRecordsItsChunks() {
        TrialResult chunked = run("protonet", new TechniqueSpec("fp32", 0, 1, "strong", 2));
        assertEquals("2 tasks per backward", chunked.env().get("checkpointing").get("chunking").asText());
    }

    @Test
    void aTaskParallelTrialRecordsItsTasksAndWhyItHasNoOperatorProfile() {
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("conv4", "", List.of(), 8),
                new AlgorithmSpec("maml", 0.4, 2, 2, 0.005, 2, 3, 1.0, 4, 8),
                new TrainSpec(4, 1), new EvalSpec(5, 1000, "synthetic"),
                new TechniqueSpec("fp32", 0, 1, "strong", 0, false, 2), 0, 600, "none");
        TrialResult result = TrialExecutor.execute(spec, 2, "2026-01-01T00:00:00Z", line -> { });
        assertTrue(result.isOk(), String.valueOf(result));
        JsonNode techniques = result.env().get("checkpointing");
        assertEquals(2, techniques.get("parallel_tasks").asInt(), techniques.toString());
        assertEquals(1, techniques.get("threads_per_task").asInt(), techniques.toString());
        assertTrue(techniques.get("chunking").asText().startsWith("2 tasks at a time on their own threads"), techniques.toString());
        assertTrue(result.metrics().get("profile_absent").asText().startsWith("parallel_tasks: libtorch's profiler records"),
                result.metrics().toString());
        assertTrue(result.metrics().path("peak_tensor_bytes").isMissingNode(), "a partial peak must not be recorded");
        assertEquals(2, result.env().get("torch_threads").asInt(), "evaluation and the record are back at the trial's threads");
        assertTrue(result.metrics().get("accuracy").get("mean").asDouble() >= 0);
    }
}

package dev.metascale.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each learner, end to end through the trial loop on the built-in generated data set. */
class TrialExecutorTest {

    static TrialSpec spec(String algorithm, double innerLr, int evalSteps) {
        return new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("conv4", "", List.of(), 16),
                new AlgorithmSpec(algorithm, innerLr, 1, evalSteps, 0.005, 2),
                new TrainSpec(30, 2), new EvalSpec(40, 1000, "synthetic"), new TechniqueSpec("fp32", 0, 1), 0, 600, "none");
    }

    @ParameterizedTest
    @CsvSource({"maml, 0.4, 3", "fomaml, 0.4, 3", "protonet, 0.4, 0", "finetune, 0.5, 50"})
    void learnerBeatsChanceAndRecordsEveryMetric(String algorithm, double innerLr, int evalSteps) {
        TrialSpec spec = spec(algorithm, innerLr, evalSteps);
        TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });

        assertTrue(result.isOk());
        assertEquals(spec.id(), result.trialId());
        JsonNode accuracy = result.metrics().get("accuracy");
        assertEquals(40, accuracy.get("n").asInt());
        double lower = accuracy.get("mean").asDouble() - accuracy.get("ci95").asDouble();
        assertTrue(lower > 0.4, algorithm + " should beat 20 % chance clearly on synthetic data, got " + accuracy);
        for (String metric : List.of("f1_macro", "iter_time_s", "train_time_s", "throughput_tasks_per_s",
                "throughput_samples_per_s", "peak_rss_bytes", "peak_rss_eval_bytes", "param_count")) {
            assertTrue(result.metrics().has(metric), "missing metric " + metric);
        }
        assertEquals(28, result.metrics().get("iter_time_s").get("n").asInt(), "30 iterations minus 2 warm-up");
        assertEquals(28, result.samples().get("iter_time_s").size());
        assertEquals(40, result.samples().get("episode_accuracy").size());
        assertEquals("synthetic", result.dataset().get("name").asText());
        assertTrue(result.env().has("libtorch_version") && result.env().has("cpu_model"));
    }

    @ParameterizedTest
    @CsvSource({"maml", "protonet"})
    void sameSpecGivesSameAccuracy(String algorithm) {
        TrialSpec spec = spec(algorithm, 0.4, 2);
        double a = TrialExecutor.execute(spec, 1, "t", line -> { }).metrics().get("accuracy").get("mean").asDouble();
        double b = TrialExecutor.execute(spec, 1, "t", line -> { }).metrics().get("accuracy").get("mean").asDouble();
        assertEquals(a, b, 1e-9, "a trial is reproducible from its spec");
    }

    @org.junit.jupiter.api.Test
    void everyNameTheWorkerRecordsIsARegisteredMetricOrSampleSeries() {
        TrialResult result = TrialExecutor.execute(spec("protonet", 0.4, 0), 1, "t", line -> { });
        result.metrics().fieldNames().forEachRemaining(name -> assertTrue(dev.metascale.core.result.Metric.byKey(name).isPresent(),
                "metrics." + name + " is not a Metric: add it there and to docs/results-schema.md"));
        java.util.Set<String> series = java.util.Arrays.stream(dev.metascale.core.result.SampleSeries.values())
                .map(dev.metascale.core.result.SampleSeries::key).collect(java.util.stream.Collectors.toSet());
        result.samples().fieldNames().forEachRemaining(name -> assertTrue(series.contains(name),
                "samples." + name + " is not a SampleSeries"));
    }
}

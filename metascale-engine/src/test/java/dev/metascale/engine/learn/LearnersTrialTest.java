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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every learner and baseline of this package, end to end through the trial loop, beats chance on the generated data set. */
class LearnersTrialTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // name, inner_lr, inner_steps, eval_inner_steps, outer_lr
            "reptile, 0.1, 3, 5, 0.5",
            "imaml, 0.1, 3, 5, 0.005",
            "anil, 0.4, 2, 5, 0.005",
            "finetune, 0.1, 1, 10, 0.005",
            "linear-probe, 0.5, 1, 30, 0.005",
            "lora, 0.5, 1, 15, 0.005",
            "adapter, 0.5, 1, 15, 0.005"})
    void learnerBeatsChanceClearly(String algorithm, double innerLr, int innerSteps, int evalSteps, double outerLr) {
        TrialSpec spec = new TrialSpec("test", "synthetic", new SamplerSpec("fixed", 5, 1, 5),
                new ModelSpec("conv4", "", List.of(), 8),
                new AlgorithmSpec(algorithm, innerLr, innerSteps, evalSteps, outerLr, 2, 3, 1.0, 4, 8),
                new TrainSpec(20, 2), new EvalSpec(30, 1000, "synthetic"), new TechniqueSpec("fp32", 0, 1), 0, 600, "none");
        TrialResult result = TrialExecutor.execute(spec, 1, "2026-01-01T00:00:00Z", line -> { });
        assertTrue(result.isOk());
        JsonNode accuracy = result.metrics().get("accuracy");
        double lower = accuracy.get("mean").asDouble() - accuracy.get("ci95").asDouble();
        assertTrue(lower > 0.4, algorithm + " should beat 20 % chance clearly on synthetic data, got " + accuracy);
    }
}

package dev.metascale.engine.probe;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.model.Models;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The memory guard's estimate counts the meta-gradient fidelity check: a first-order learner's trial runs exact
 * second-order MAML at its sampled iterations, which keeps every inner step's graph — before, the estimate counted the
 * learner's own single graph only, so the guard could pass a trial whose fidelity check does not fit.
 */
class MemoryEstimateTest {
    private static final int INNER_STEPS = 5;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static TrialSpec spec(String algorithm, int chunk) {
        return new TrialSpec("t", "glyphs", new SamplerSpec("fixed", 5, 1, 15), new ModelSpec("conv4", "", List.of(), 16),
                new AlgorithmSpec(algorithm, 0.4, INNER_STEPS, INNER_STEPS, 0.001, 8), new TrainSpec(20, 3),
                new EvalSpec(10, 7, null), new TechniqueSpec("fp32", 0, 1, "strong", chunk), 0, 600, "none");
    }

    @Test
    void theExactReferenceOfTheFidelityCheckSetsAFirstOrderLearnersActivationPeak() {
        try (PointerScope scope = new PointerScope()) {
            Model model = Models.create(new ModelSpec("conv4", "", List.of(), 16), 28, 28);
            long params = 30_000;
            MemoryEstimate plain = MemoryEstimate.of(spec("fomaml", 0), model, 0, 0, params, 784, 8, false, false, 1);
            MemoryEstimate checked = MemoryEstimate.of(spec("fomaml", 0), model, 0, 0, params, 784, 8, false, true, 1);
            assertEquals((INNER_STEPS + 1) * plain.activationBytes(), checked.activationBytes(),
                    "one task through every inner step, against the first-order learner's single graph");
            assertEquals(plain.optimizerBytes() + 2L * params * 4, checked.optimizerBytes(), "the direction and the reference gradients");

            // second-order MAML chunked over 4 tasks already holds 4 × (steps + 1) graphs: the reference (one task) adds none
            MemoryEstimate maml = MemoryEstimate.of(spec("maml", 4), model, 0, 0, params, 784, 8, true, false, 1);
            MemoryEstimate mamlChecked = MemoryEstimate.of(spec("maml", 4), model, 0, 0, params, 784, 8, true, true, 1);
            assertEquals(maml.activationBytes(), mamlChecked.activationBytes());
            assertEquals(4 * checked.activationBytes(), maml.activationBytes());
        }
    }

    @Test
    void aFixedOneShotEpisodeIsCountedAtOneShotNotAtTheUnusedMaxShots() {
        // the fixed sampler keeps max_shots at its default 5, which it never draws: 5-way 1-shot 15-query is 80 examples
        assertEquals(5 * (1 + 15), MemoryEstimate.examplesPerTask(new SamplerSpec("fixed", 5, 1, 15)));
        assertEquals(5 * (5 + 15), MemoryEstimate.examplesPerTask(new SamplerSpec("imbalanced", 5, 1, 15, 1, 5)));
    }
}

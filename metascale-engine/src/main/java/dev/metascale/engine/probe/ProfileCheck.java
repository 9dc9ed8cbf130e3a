package dev.metascale.engine.probe;

import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.Metrics;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.model.Model;

import java.util.List;
import java.util.Optional;

/**
 * The cross-check of the analytic FLOP count against the profiler's, like with like: the profiled window's
 * FLOPs that Kineto counts ({@code profile_flops_matmul_per_iter}) against what the analytic count says it can see
 * of the same iterations of this rank ({@link TrialFlops#profilerVisible}: convolution backwards excluded,
 * checkpointing's recomputed forwards included, only this rank's tasks, the profiled iterations' own tasks for a
 * variable-shape sampler). Writes {@code profile_flops_expected_per_iter} and their ratio
 * {@code profile_flops_ratio}, or {@code profile_flops_check_absent} with the reason.
 */
public final class ProfileCheck {
    private ProfileCheck() {
    }

    /**
     * @param perRank   the trial's algorithm at this rank's meta-batch
     * @param sampler   the fixed sampler's shape, or empty for a variable-shape sampler
     * @param drawn     a variable-shape sampler's tasks of the profiled iterations (this rank's), else empty
     * @param recompute checkpointing's recomputed FLOPs of one such iteration, if any
     */
    public static void write(Metrics metrics, OperatorProfile profile, AlgorithmSpec perRank, Optional<SamplerSpec> sampler,
                             List<TrialFlops.TaskShape> drawn, Model model, int headClasses, Optional<FlopCount> recompute) {
        long iterations = profile.windowIterations();
        Optional<IterationFlops> iteration = sampler.isPresent()
                ? TrialFlops.perIteration(perRank, sampler.get(), model, headClasses)
                : TrialFlops.perIteration(perRank, drawn, iterations, 1, model, headClasses);
        if (iteration.isEmpty()) {
            metrics.put(Metric.PROFILE_FLOPS_CHECK_ABSENT, "the learner has no analytic FLOP count");
            return;
        }
        IterationFlops withRecompute = recompute.map(iteration.get()::withRecompute).orElse(iteration.get());
        Optional<Long> expected = sampler.isPresent()
                ? TrialFlops.profilerVisible(perRank, sampler.get(), model, headClasses, withRecompute)
                : TrialFlops.profilerVisible(perRank, drawn, iterations, model, headClasses, withRecompute);
        if (expected.isEmpty()) {
            metrics.put(Metric.PROFILE_FLOPS_CHECK_ABSENT, TrialFlops.convolutionCost(model, 1, 0).isEmpty()
                    ? model.name() + " reports only a forward total, whose convolutions cannot be told apart from the products the profiler counts"
                    : "the solver runs convolution backwards the profiler does not count, in a mix the analytic count does not apportion");
            return;
        }
        long counted = profile.countedFlops() / profile.windowIterations();
        metrics.put(Metric.PROFILE_FLOPS_EXPECTED_PER_ITER, expected.get());
        if (expected.get() > 0) {
            metrics.put(Metric.PROFILE_FLOPS_RATIO, counted / (double) expected.get());
        }
    }
}

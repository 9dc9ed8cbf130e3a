package dev.metascale.engine.probe;

import dev.metascale.core.result.Metric;
import dev.metascale.core.result.Metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.stats.Statistics;

import java.util.Optional;

/**
 * The derived cost metrics of a trial: {@code flops_per_iter} (analytic model FLOPs of one
 * meta-iteration), {@code flops_total} (all iterations, warm-up included), {@code achieved_flops_per_s}
 * (model FLOPs over the timed iterations' time), {@code mfu} (that over the calibrated GEMM peak in the trial's
 * compute dtype at its thread count and BLAS, summed over its ranks, recorded in {@code mfu_peak_flops_per_s} with its
 * source), {@code hfu} (the same with checkpointing's recompute FLOPs, which the hardware runs too), the parts of the
 * count in {@code flops_breakdown}, and the probes' own overhead per iteration.
 */
public final class TrialMeasurements {
    /** Skips the MFU peak (tests, or machines where a second of calibration is unwelcome). */
    public static final String NO_MFU_PROPERTY = "metascale.mfu.disable";

    private TrialMeasurements() {
    }

    /**
     * @param computeDtype the dtype the trial's products run in (bfloat16 under the bf16 policy): the peak's dtype
     * @param ranks        the trial's ranks: {@code flops} counts all of them, so the peak is one rank's times this
     */
    public static void write(Metrics metrics, Optional<IterationFlops> flops, int iterations, double[] timedIterS,
                             String cpuModel, org.bytedeco.pytorch.global.torch.ScalarType computeDtype, int ranks) {
        double timed = 0;
        for (double t : timedIterS) {
            timed += t;
        }
        if (flops.isPresent()) {
            IterationFlops f = flops.get();
            long perIter = f.model().total();
            metrics.put(Metric.FLOPS_PER_ITER, perIter);
            metrics.put(Metric.FLOPS_TOTAL, perIter * (long) iterations);
            ObjectNode parts = metrics.putObject(Metric.FLOPS_BREAKDOWN);
            put(parts, "forward", f.forward());
            put(parts, "backward", f.backward());
            put(parts, "second_order", f.secondOrder());
            put(parts, "recompute", f.recompute());
            put(parts, "solver", f.solver());
            parts.put("matmul", f.model().matmul());
            if (timedIterS.length > 0 && timed > 0) {
                double achieved = perIter * (double) timedIterS.length / timed;
                metrics.put(Metric.ACHIEVED_FLOPS_PER_S, achieved);
                if (!Boolean.getBoolean(NO_MFU_PROPERTY)) {
                    Calibration.Peak peak = Calibration.peak(cpuModel, computeDtype);
                    double total = peak.flopsPerS() * Math.max(1, ranks);
                    metrics.put(Metric.MFU, achieved / total);
                    // hardware FLOPs: checkpointing's recompute runs on the same units
                    metrics.put(Metric.HFU, f.total().total() * (double) timedIterS.length / timed / total);
                    metrics.put(Metric.MFU_PEAK_FLOPS_PER_S, total);
                    metrics.put(Metric.MFU_PEAK_SOURCE, peak.source() + (ranks > 1 ? ", × " + ranks + " ranks" : ""));
                }
            }
        }
        double overhead = ProbeOverhead.secondsPerIteration();
        metrics.put(Metric.PROBE_OVERHEAD_S_PER_ITER, overhead);
        if (timedIterS.length > 0) {
            double median = Statistics.distribution(timedIterS).median();
            metrics.put(Metric.PROBE_OVERHEAD_FRACTION, overhead / median);
        }
    }

    private static void put(ObjectNode parts, String name, FlopCount count) {
        parts.put(name, count.total());
    }
}

package dev.metascale.engine.probe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.stats.Statistics;

import java.util.Optional;

/**
 * The derived cost metrics of a trial: {@code flops_per_iter} (analytic model FLOPs of one
 * meta-iteration), {@code flops_total} (all iterations, warm-up included), {@code achieved_flops_per_s}
 * (model FLOPs over the timed iterations' time), {@code mfu} (that over the calibrated fp32 GEMM peak at
 * the trial's thread count, recorded in {@code mfu_peak_flops_per_s} with its source), the parts of the
 * count in {@code flops_breakdown}, and the probes' own overhead per iteration.
 */
public final class TrialMeasurements {
    /** Skips the MFU peak (tests, or machines where a second of calibration is unwelcome). */
    public static final String NO_MFU_PROPERTY = "metascale.mfu.disable";

    private TrialMeasurements() {
    }

    public static void write(ObjectNode metrics, Optional<IterationFlops> flops, int iterations, double[] timedIterS,
                             String cpuModel) {
        double timed = 0;
        for (double t : timedIterS) {
            timed += t;
        }
        if (flops.isPresent()) {
            IterationFlops f = flops.get();
            long perIter = f.model().total();
            metrics.put("flops_per_iter", perIter);
            metrics.put("flops_total", perIter * (long) iterations);
            ObjectNode parts = metrics.putObject("flops_breakdown");
            put(parts, "forward", f.forward());
            put(parts, "backward", f.backward());
            put(parts, "second_order", f.secondOrder());
            put(parts, "recompute", f.recompute());
            put(parts, "solver", f.solver());
            parts.put("matmul", f.model().matmul());
            if (timedIterS.length > 0 && timed > 0) {
                double achieved = perIter * (double) timedIterS.length / timed;
                metrics.put("achieved_flops_per_s", achieved);
                if (!Boolean.getBoolean(NO_MFU_PROPERTY)) {
                    Calibration.Peak peak = Calibration.peakFp32(cpuModel);
                    metrics.put("mfu", achieved / peak.flopsPerS());
                    metrics.put("mfu_peak_flops_per_s", peak.flopsPerS());
                    metrics.put("mfu_peak_source", peak.source());
                }
            }
        }
        double overhead = ProbeOverhead.secondsPerIteration();
        metrics.put("probe_overhead_s_per_iter", overhead);
        if (timedIterS.length > 0) {
            double median = Statistics.distribution(timedIterS).median();
            metrics.put("probe_overhead_fraction", overhead / median);
        }
    }

    private static void put(ObjectNode parts, String name, FlopCount count) {
        parts.put(name, count.total());
    }
}

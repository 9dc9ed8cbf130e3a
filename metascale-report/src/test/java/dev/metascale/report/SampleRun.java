package dev.metascale.report;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A plausible hand-made run: six configurations, several seeds, absent metrics, failures. */
final class SampleRun {
    private SampleRun() {
    }

    static List<TrialResult> records() {
        List<TrialResult> r = new ArrayList<>();
        double[] jitter = {-0.012, 0.004, 0.010};
        for (int seed = 0; seed < 3; seed++) {
            double j = jitter[seed];
            r.add(Trials.ok(Trials.spec("maml", seed), Trials.metrics().accuracy(0.684 + j, 0.028).iterTime(0.41 + j)
                    .scalar("train_time_s", 8.6 + 10 * j).scalar("throughput_tasks_per_s", 9.7).peakMib(842 + 100 * j)
                    .scalar("param_count", 112_005).scalar("f1_macro", 0.6)));
            r.add(Trials.ok(Trials.spec("fomaml", seed), Trials.metrics().accuracy(0.574 + j, 0.03).iterTime(0.19 + j / 10)
                    .scalar("train_time_s", 4.1 + 5 * j).scalar("throughput_tasks_per_s", 21.0).peakMib(301 + 80 * j)
                    .scalar("param_count", 112_005)));
            r.add(Trials.ok(Trials.spec("protonet", seed), Trials.metrics().accuracy(0.655 + j, 0.026).iterTime(0.09 + j / 20)
                    .scalar("train_time_s", 2.2 + 2 * j).scalar("throughput_tasks_per_s", 44.0).peakMib(388 + 50 * j)
                    .scalar("param_count", 112_005)));
        }
        r.add(Trials.ok(Trials.spec("maml", 0.1, "fp32", 0), Trials.metrics().accuracy(0.583, 0.031).iterTime(0.40)
                .scalar("train_time_s", 8.4).scalar("throughput_tasks_per_s", 9.9).peakMib(839).scalar("param_count", 112_005)));
        r.add(Trials.ok(Trials.spec("maml", 0.4, "bf16", 0), Trials.metrics().accuracy(0.672, 0.029).iterTime(0.52)
                .scalar("train_time_s", 10.9).scalar("throughput_tasks_per_s", 7.7).peakMib(615).scalar("param_count", 112_005)));
        // measured neither memory nor iteration times: must show as absent, not zero
        r.add(Trials.ok(Trials.spec("anil", 0), Trials.metrics().accuracy(0.598, 0.03).scalar("train_time_s", 3.9)
                .scalar("param_count", 112_005)));
        r.add(Trials.failed(Trials.spec("imaml", 0), "oom", "native allocation of 2.1 GiB failed: out of memory"));
        r.add(Trials.failed(Trials.spec("reptile", 0), "crash", "IllegalStateException: loss is NaN at iteration 12 | fix: lower inner_lr"));
        return r;
    }

    static void writeTo(Path runDir) throws IOException {
        ResultStore store = new ResultStore(runDir);
        for (TrialResult record : records()) {
            store.append(record);
        }
    }
}

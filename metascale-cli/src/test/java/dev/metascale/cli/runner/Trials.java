package dev.metascale.cli.runner;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;

import java.nio.file.Path;
import java.util.List;

/** Trial specs and suites for tests, built directly (no suite loader). */
final class Trials {
    static final int TIMEOUT_S = 60;

    private Trials() {
    }

    static TrialSpec trial(String fault, long seed) {
        return trial(fault, seed, TIMEOUT_S);
    }

    static TrialSpec trial(String fault, long seed, int timeoutS) {
        return new TrialSpec("harness", "synthetic", new SamplerSpec("fixed", 5, 1, 15),
                new ModelSpec("mlp", null, List.of(32), 0), new AlgorithmSpec("protonet", 0.4, 1, 1, 0.001, 4),
                new TrainSpec(5, 1), new EvalSpec(10, 0, "glyphs"), new TechniqueSpec("fp32", 0, 1), seed, timeoutS, fault);
    }

    static Suite suite(TrialSpec... trials) {
        return new Suite("harness", null, List.of(trials));
    }

    /** A fast fake-worker launch recording pids in {@code pidDir}. */
    static WorkerLaunch fakeLaunch(Path home, Path pidDir) {
        return WorkerLaunch.defaults(home).withMainClass(FakeWorkerMain.class.getName()).withHeap("64m").withThreads(1)
                .withExtraJvmFlags(List.of("-D" + FakeWorkerMain.PID_DIR_PROPERTY + "=" + pidDir,
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    }
}

package dev.metascale.cli.runner;

import java.nio.file.Path;

/**
 * Test program: runs a suite of an ok trial then a hanging one with the fake worker, so that a
 * test can terminate this JVM mid-run and check what the shutdown hook leaves behind.
 * Arguments: OUT_DIR PID_DIR.
 */
public final class InterruptedRunMain {
    private InterruptedRunMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path pids = Path.of(args[1]);
        TrialRunner runner = new TrialRunner(Trials.fakeLaunch(out, pids), out.resolve("logs"));
        SuiteRun run = new SuiteRun(runner, dir -> dir.resolve("index.html"), System.out, System.err, false, false);
        System.exit(run.run(Trials.suite(Trials.trial("none", 1), Trials.trial(Worker.FAULT_HANG, 2)), out, false,
                "metascale run harness.yaml --out " + out + " --resume"));
    }
}

package dev.metascale.cli.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.cli.WorkerCommand;
import dev.metascale.core.env.Environment;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import picocli.CommandLine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A worker main for tests: the real fault handling of {@link Worker}, but fault {@code none}
 * writes a made-up ok record instead of running the engine. With {@code -Dfake.pidDir=DIR} it
 * records its pid in {@code DIR/<trial id>.worker.pid} and, for fault {@code hang}, also starts a
 * {@code sleep} child whose pid goes to {@code DIR/<trial id>.child.pid} (to prove tree kills).
 */
public final class FakeWorkerMain {
    public static final String PID_DIR_PROPERTY = "fake.pidDir";

    private FakeWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String[] workerArgs = Arrays.copyOfRange(args, 1, args.length);
        String pidDir = System.getProperty(PID_DIR_PROPERTY);
        if (pidDir != null) {
            TrialSpec spec = TrialSpec.fromJson(Json.MAPPER.readTree(new File(workerArgs[List.of(workerArgs).indexOf("--spec") + 1])));
            Files.writeString(Path.of(pidDir, spec.id() + ".worker.pid"), String.valueOf(ProcessHandle.current().pid()));
            if (Worker.FAULT_HANG.equals(spec.fault())) {
                Process child = new ProcessBuilder("sleep", "300").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                Files.writeString(Path.of(pidDir, spec.id() + ".child.pid"), String.valueOf(child.pid()));
            }
        }
        System.exit(new CommandLine(new WorkerCommand(FakeWorkerMain::okRecord)).execute(workerArgs));
    }

    /**
     * 0.5 on the test split; on the validation split a score that peaks at {@code inner_lr} {@link #BEST_INNER_LR}, so a
     * tuning search has a right answer.
     */
    static double accuracy(TrialSpec spec) {
        if (!spec.eval().onValidation()) {
            return 0.5;
        }
        return 0.9 - Math.abs(Math.log(spec.algorithm().innerLr() / BEST_INNER_LR)) / 20;
    }

    static final double BEST_INNER_LR = 0.2;

    static TrialResult okRecord(TrialSpec spec, int threads, String startedAt) {
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.putObject("accuracy").put("mean", accuracy(spec)).put("std", 0.1).put("ci95", 0.05).put("n", 10);
        metrics.put("train_time_s", 0.01);
        ObjectNode dataset = Json.MAPPER.createObjectNode().put("name", spec.dataset());
        Instant now = Instant.now();
        return TrialResult.ok(spec, dataset, Environment.capture(), metrics, Json.MAPPER.createObjectNode(), startedAt,
                now.toString(), Duration.between(Instant.parse(startedAt), now).toNanos() / 1e9);
    }
}

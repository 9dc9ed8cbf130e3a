package dev.metascale.cli.runner;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterruptTest {
    @TempDir
    Path tmp;

    @Test
    void terminatingTheRunKillsTheWorkerKeepsRecordsAndSaysHowToResume() throws Exception {
        Path out = tmp.resolve("run");
        Path pids = Files.createDirectories(tmp.resolve("pids"));
        Path err = tmp.resolve("run.err");
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                InterruptedRunMain.class.getName(), out.toString(), pids.toString())
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path hangingWorkerPid = pids.resolve(Trials.trial(Worker.FAULT_HANG, 2).id() + ".worker.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(hangingWorkerPid) && Files.size(hangingWorkerPid) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(hangingWorkerPid), "the hanging trial started");
        long workerPid = Long.parseLong(Files.readString(hangingWorkerPid).strip());

        run.destroy(); // SIGTERM: runs the shutdown hooks, as Ctrl-C does
        assertTrue(run.waitFor(20, TimeUnit.SECONDS), "the run exits");

        List<String> lines = Files.readAllLines(out.resolve(ResultStore.FILE_NAME));
        assertEquals(1, lines.size(), "the finished trial stays recorded, the interrupted one is not recorded");
        assertTrue(TrialResult.fromJsonLine(lines.get(0)).isOk());
        assertFalse(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false), "the worker was killed");
        String stderr = Files.readString(err);
        assertTrue(stderr.contains("1 trial recorded"), stderr);
        assertTrue(stderr.contains("continue with: metascale run harness.yaml --out " + out + " --resume"), stderr);
    }
}

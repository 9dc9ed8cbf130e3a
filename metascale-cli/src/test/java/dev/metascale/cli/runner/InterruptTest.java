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

    @Test
    void killingTheRunnerWithSigkillLeavesNoWorkerNorItsChildNorItsTemporaryDirectory() throws Exception {
        Path out = tmp.resolve("run");
        Path pids = Files.createDirectories(tmp.resolve("pids"));
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                InterruptedRunMain.class.getName(), out.toString(), pids.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String hangId = Trials.trial(Worker.FAULT_HANG, 2).id();
        Path workerPidFile = pids.resolve(hangId + ".worker.pid");
        Path childPidFile = pids.resolve(hangId + ".child.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(childPidFile) && Files.size(childPidFile) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(childPidFile), "the hanging trial started its child");
        ProcessHandle worker = ProcessHandle.of(Long.parseLong(Files.readString(workerPidFile).strip())).orElseThrow();
        ProcessHandle child = ProcessHandle.of(Long.parseLong(Files.readString(childPidFile).strip())).orElseThrow();
        List<String> args = List.of(Files.readString(Path.of("/proc/" + worker.pid() + "/cmdline")).split("\0"));
        Path workDir = Path.of(args.get(args.indexOf("--spec") + 1)).getParent();
        assertTrue(workDir.getFileName().toString().startsWith("metascale-trial-") && Files.isDirectory(workDir), workDir.toString());

        run.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        assertTrue(run.waitFor(10, TimeUnit.SECONDS));
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((worker.isAlive() || child.isAlive()) && System.nanoTime() < gone) {
            Thread.sleep(100);
        }
        assertFalse(worker.isAlive(), "the worker stopped itself when its runner died");
        assertFalse(child.isAlive(), "and killed what it had started");
        assertFalse(Files.exists(workDir), "and deleted the trial's temporary directory");
    }

    @Test
    void aWorkerWhoseRunnerDoesNotStopItStopsItselfAtItsDeadline() throws Exception {
        Path pids = Files.createDirectories(tmp.resolve("pids"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path spec = work.resolve("spec.json");
        Files.writeString(spec, Trials.trial(Worker.FAULT_HANG, 3, 1).toJson().toString());
        Path err = tmp.resolve("worker.err");
        // started by this JVM, which plays a runner that never kills it
        Process worker = new ProcessBuilder(Trials.fakeLaunch(tmp, pids).command(spec, work.resolve("result.json")))
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(worker.waitFor(1 + WorkerWatchdog.GRACE_S + 20, TimeUnit.SECONDS), "the worker ended by itself");
        assertEquals(WorkerWatchdog.EXIT_DEADLINE, worker.exitValue());
        String stderr = Files.readString(err);
        assertTrue(stderr.contains("passed its time limit of 1 s"), stderr);
        Path childPid = pids.resolve(Trials.trial(Worker.FAULT_HANG, 3, 1).id() + ".child.pid");
        assertFalse(ProcessHandle.of(Long.parseLong(Files.readString(childPid).strip())).map(ProcessHandle::isAlive).orElse(false),
                "its child was killed too");
    }
}

package dev.metascale.cli.runner;

import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteRunTest {
    @TempDir
    Path tmp;
    private Path pids;
    private Path out;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        pids = Files.createDirectories(tmp.resolve("pids"));
        out = tmp.resolve("run");
    }

    private SuiteRun suiteRun(ReportStep report) {
        TrialRunner runner = new TrialRunner(Trials.fakeLaunch(tmp, pids), out.resolve("logs"));
        return new SuiteRun(runner, report, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), false, false);
    }

    private Path writeReport(Path dir) throws IOException {
        Path index = Files.createDirectories(dir.resolve("report")).resolve("index.html");
        Files.writeString(index, "<html></html>");
        return index;
    }

    private List<TrialResult> records() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve(ResultStore.FILE_NAME));
        return lines.stream().map(TrialResult::fromJsonLine).toList();
    }

    @Test
    void everyFaultIsRecordedWithItsCauseAndTheNextTrialStillRuns() throws Exception {
        TrialSpec thrower = Trials.trial(Worker.FAULT_THROW, 1);
        TrialSpec exiter = Trials.trial(Worker.FAULT_EXIT, 3);
        TrialSpec hanger = Trials.trial(Worker.FAULT_HANG, 5, 3);
        TrialSpec oom = Trials.trial(Worker.FAULT_OOM, 7);
        List<TrialSpec> trials = List.of(thrower, Trials.trial("none", 2), exiter, Trials.trial("none", 4), hanger,
                Trials.trial("none", 6), oom, Trials.trial("none", 8));

        int exit = suiteRun(this::writeReport).run(Trials.suite(trials.toArray(TrialSpec[]::new)), out, false, "resume");

        assertEquals(SuiteRun.EXIT_FAILED, exit, "a failed trial makes the run exit 1");
        List<TrialResult> records = records();
        assertEquals(trials.size(), records.size(), "every trial is recorded, in order");
        for (int i = 0; i < trials.size(); i++) {
            assertEquals(trials.get(i).id(), records.get(i).trialId());
            if (i % 2 == 1) {
                assertTrue(records.get(i).isOk(), "the trial after a failure runs and is ok: " + records.get(i).toJsonLine());
            }
        }
        ErrorInfo thrown = records.get(0).error();
        assertEquals(ErrorInfo.CRASH, thrown.kind());
        assertTrue(thrown.message().contains("injected fault: throw"), thrown.message());
        assertTrue(thrown.stderrTail().contains("at dev.metascale.cli.runner.Worker"), thrown.stderrTail());

        ErrorInfo exited = records.get(2).error();
        assertEquals(ErrorInfo.CRASH, exited.kind());
        assertTrue(exited.message().contains("worker exited with code 3"), exited.message());
        assertTrue(exited.stderrTail().contains("injected fault: exit"), exited.stderrTail());

        ErrorInfo timedOut = records.get(4).error();
        assertEquals(ErrorInfo.TIMEOUT, timedOut.kind());
        assertTrue(timedOut.message().contains("3 s"), timedOut.message());
        assertTrue(records.get(4).wallTimeS() >= 3 && records.get(4).wallTimeS() < 20, "killed soon after its limit");
        for (String name : List.of(".worker.pid", ".child.pid")) {
            long pid = Long.parseLong(Files.readString(pids.resolve(hanger.id() + name)).strip());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), name + " " + pid + " left alive");
        }
        assertEquals(0, ProcessHandle.current().descendants().count(), "no worker process left behind");

        ErrorInfo outOfMemory = records.get(6).error();
        assertEquals(ErrorInfo.OOM, outOfMemory.kind(), outOfMemory.toString());
        assertTrue(outOfMemory.message().contains("OutOfMemoryError"), outOfMemory.message());

        TrialResult failedRecord = records.get(2);
        assertTrue(failedRecord.env().has("cpu_model"), "failed records say where they ran");
        assertTrue(failedRecord.env().get("java_args").toString().contains("-Xmx64m"), "with the worker's JVM flags");
        assertEquals("1", failedRecord.env().get("malloc_env").get("MALLOC_ARENA_MAX").asText());
        assertTrue(Files.exists(out.resolve("logs").resolve(thrower.id() + ".stderr.log")));
        String summary = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("ok 4, failed 4"), summary);
        assertTrue(summary.contains("report: "), summary);
    }

    @Test
    void resumeSkipsTrialsRecordedOkAndRerunsFailedOnes() throws Exception {
        TrialSpec good = Trials.trial("none", 1);
        TrialSpec bad = Trials.trial(Worker.FAULT_THROW, 2);
        assertEquals(SuiteRun.EXIT_FAILED, suiteRun(this::writeReport).run(Trials.suite(good, bad), out, false, "r"));
        assertEquals(2, records().size());
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("[1/2] start  protonet mlp[32] 5w1s seed 1"), progress);
        assertTrue(progress.contains("[1/2] ok") && progress.contains("ETA"), progress);
        assertTrue(progress.contains("[2/2] FAILED (crash: java.lang.IllegalStateException: injected fault: throw)"), progress);
        assertFalse(progress.contains("\r"), "no in-place redraw without a terminal");

        int exit = suiteRun(this::writeReport).run(Trials.suite(good, bad), out, true, "r");

        assertEquals(SuiteRun.EXIT_FAILED, exit);
        List<TrialResult> records = records();
        assertEquals(List.of(good.id(), bad.id(), bad.id()), records.stream().map(TrialResult::trialId).toList(),
                "the ok trial is not re-run; the failed one is; records are only appended");
        assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("skipped 1 trial already recorded ok, 1 to run"),
                stdout.toString());
    }

    @Test
    void existingResultsWithoutResumeAreRefusedAndLeftUntouched() throws Exception {
        Files.createDirectories(out);
        Path results = out.resolve(ResultStore.FILE_NAME);
        Files.writeString(results, "{\"schema\":\"metascale.trial/1\"}\n");
        byte[] before = Files.readAllBytes(results);

        int exit = suiteRun(this::writeReport).run(Trials.suite(Trials.trial("none", 1)), out, false, "r");

        assertEquals(SuiteRun.EXIT_INVALID, exit);
        assertArrayEquals(before, Files.readAllBytes(results));
        assertTrue(stderr.toString(StandardCharsets.UTF_8)
                .contains("already holds results: add --resume to continue it, or choose another --out"), stderr.toString());
        assertFalse(Files.exists(out.resolve("logs")), "no trial was started");
    }

    @Test
    void allOkExitsZeroAndAFailingReportKeepsTheResultsAndExitsOne() throws Exception {
        TrialSpec good = Trials.trial("none", 1);
        assertEquals(SuiteRun.EXIT_OK, suiteRun(this::writeReport).run(Trials.suite(good), out, false, "r"));
        assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("report: " + out.resolve("report/index.html")));

        int exit = suiteRun(dir -> {
            throw new IOException("disk full");
        }).run(Trials.suite(good), out, true, "r");

        assertEquals(SuiteRun.EXIT_FAILED, exit);
        assertEquals(1, records().size(), "nothing re-run, the record is kept");
        assertTrue(records().get(0).isOk());
        String err = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("report failed") && err.contains("disk full") && err.contains("metascale report"), err);
    }

    @Test
    void aSecondRunnerIntoTheSameDirectoryIsRefusedAndRecordsNothing() throws Exception {
        try (dev.metascale.core.result.RunDirectoryLock held = dev.metascale.core.result.RunDirectoryLock.acquire(out)) {
            int exit = suiteRun(this::writeReport).run(Trials.suite(Trials.trial("none", 1)), out, true, "resume");
            assertEquals(SuiteRun.EXIT_INVALID, exit);
            assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("is being written by another metascale run (PID "),
                    stderr.toString(StandardCharsets.UTF_8));
            assertFalse(Files.exists(out.resolve(ResultStore.FILE_NAME)), "nothing recorded by the refused runner");
        }
        assertEquals(SuiteRun.EXIT_OK, suiteRun(this::writeReport).run(Trials.suite(Trials.trial("none", 1)), out, true, "resume"),
                "once the first runner is gone the directory is free");
    }
}

package dev.metascale.cli.runner;

import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerTest {
    @TempDir
    Path tmp;

    private Path specFile(TrialSpec spec) throws Exception {
        Path file = tmp.resolve("spec.json");
        Files.writeString(file, spec.toJson().toString());
        return file;
    }

    @Test
    void anExceptionOfTheTrialBecomesACrashRecordAndExitCodeZero() throws Exception {
        TrialSpec spec = Trials.trial("none", 1);
        Path result = tmp.resolve("out/result.json");
        int exit = Worker.run(specFile(spec), result, 1, (s, threads, startedAt) -> {
            throw new IllegalArgumentException("model too wide for this sampler");
        });
        assertEquals(0, exit);
        TrialResult record = TrialResult.fromJsonLine(Files.readString(result));
        assertEquals(spec.id(), record.trialId());
        assertFalse(record.isOk());
        assertEquals(ErrorInfo.CRASH, record.error().kind());
        assertTrue(record.error().message().contains("model too wide for this sampler"));
        assertTrue(record.error().stderrTail().contains("IllegalArgumentException"));
        assertFalse(Files.exists(tmp.resolve("out/result.json.tmp")), "the temp file was moved into place");
    }

    @Test
    void theThrowFaultFailsInsideTheWorkerWithoutRunningTheBody() throws Exception {
        Path result = tmp.resolve("result.json");
        Worker.run(specFile(Trials.trial(Worker.FAULT_THROW, 1)), result, 1, (s, threads, startedAt) -> {
            throw new AssertionError("the body must not run");
        });
        assertEquals("java.lang.IllegalStateException: injected fault: throw",
                TrialResult.fromJsonLine(Files.readString(result)).error().message());
    }

    @Test
    void outOfMemoryIsNotCaughtSoTheJvmDies() throws Exception {
        Path result = tmp.resolve("result.json");
        assertThrows(OutOfMemoryError.class, () -> Worker.run(specFile(Trials.trial("none", 1)), result, 1,
                (s, threads, startedAt) -> {
                    throw new OutOfMemoryError("Java heap space");
                }));
        assertFalse(Files.exists(result));
    }

    @Test
    void theBodyRecordIsWrittenAsIs() throws Exception {
        TrialSpec spec = Trials.trial("none", 4);
        Path result = tmp.resolve("result.json");
        Worker.run(specFile(spec), result, 2, FakeWorkerMain::okRecord);
        TrialResult record = TrialResult.fromJsonLine(Files.readString(result));
        assertTrue(record.isOk());
        assertEquals(0.5, record.metric("accuracy").orElseThrow());
    }

    @Test
    void libtorchsAllocatorRefusalIsOomWithTheRequestedBytesAndNoNativeFrames() throws Exception {
        Path result = tmp.resolve("result.json");
        long elements = 1L << 40; // 4 TiB of float32: more than any machine here can give
        Worker.run(specFile(Trials.trial("none", 1)), result, 1, (s, threads, startedAt) -> {
            dev.metascale.engine.torch.TorchRuntime.configure(1);
            org.bytedeco.pytorch.global.torch.empty(elements);
            throw new AssertionError("the allocation succeeded");
        });
        ErrorInfo error = TrialResult.fromJsonLine(Files.readString(result)).error();
        assertEquals(ErrorInfo.OOM, error.kind(), error.toString());
        assertTrue(error.message().contains("could not allocate " + (elements * 4) + " bytes (4096.0 GiB)"), error.message());
        assertFalse(error.message().contains("frame #") || error.stderrTail().contains("frame #"), error.toString());
    }
}

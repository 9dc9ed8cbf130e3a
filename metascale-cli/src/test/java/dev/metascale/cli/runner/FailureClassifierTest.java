package dev.metascale.cli.runner;

import dev.metascale.core.result.ErrorInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureClassifierTest {
    @Test
    void heapExhaustionReportedByHotSpotOnStdoutIsOom() {
        ErrorInfo error = FailureClassifier.classify(3, "", "Terminating due to java.lang.OutOfMemoryError: Java heap space", false);
        assertEquals(ErrorInfo.OOM, error.kind());
        assertTrue(error.message().contains("Java heap space"), error.message());
    }

    @Test
    void nativeAllocationFailuresAreOom() {
        assertEquals(ErrorInfo.OOM, FailureClassifier.classify(134, "terminate called after throwing an instance of 'std::bad_alloc'", "", false).kind());
        assertEquals(ErrorInfo.OOM, FailureClassifier.classify(1, "RuntimeError: [enforce fail] DefaultCPUAllocator: can't allocate memory", "", false).kind());
    }

    @Test
    void sigkillIsOomOnlyWhenTheOomKillerFired() {
        assertEquals(ErrorInfo.OOM, FailureClassifier.classify(137, "", "", true).kind());
        ErrorInfo killed = FailureClassifier.classify(137, "", "", false);
        assertEquals(ErrorInfo.CRASH, killed.kind());
        assertTrue(killed.message().contains("killed by signal 9 (SIGKILL)"), killed.message());
    }

    @Test
    void otherExitsAreCrashesWithTheirCode() {
        ErrorInfo segv = FailureClassifier.classify(139, "# A fatal error has been detected", "", false);
        assertEquals(ErrorInfo.CRASH, segv.kind());
        assertTrue(segv.message().contains("signal 11 (SIGSEGV)"), segv.message());
        ErrorInfo exited = FailureClassifier.classify(3, "injected fault: exit", "", true);
        assertEquals(ErrorInfo.CRASH, exited.kind());
        assertTrue(exited.message().contains("worker exited with code 3"), exited.message());
        assertEquals("injected fault: exit", exited.stderrTail());
    }

    @Test
    void aCaughtAllocatorRefusalIsOomAndLibtorchsFramesStayOutOfTheMessage() {
        RuntimeException thrown = new RuntimeException("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator:"
                + " not enough memory: you tried to allocate 3221225472 bytes.\nException raised from alloc_cpu at alloc_cpu.cpp:127"
                + " (most recent call first):\nframe #0: c10::Error::Error() + 0x8a (0x7f in libc10.so)\n"
                + "frame #1: <unknown function> + 0x12 (0x7f in libtorch_cpu.so)");
        ErrorInfo oom = FailureClassifier.ofException(thrown, "java.lang.RuntimeException: ...\nframe #0: c10::Error\n\tat Foo.bar");
        assertEquals(ErrorInfo.OOM, oom.kind());
        assertTrue(oom.message().contains("could not allocate 3221225472 bytes (3.0 GiB)"), oom.message());
        assertTrue(!oom.stderrTail().contains("frame #") && oom.stderrTail().contains("at Foo.bar"), oom.stderrTail());
        ErrorInfo crash = FailureClassifier.ofException(new RuntimeException("shape mismatch\nframe #0: at::foo"), "");
        assertEquals(ErrorInfo.CRASH, crash.kind());
        assertEquals("java.lang.RuntimeException: shape mismatch", crash.message());
    }
}

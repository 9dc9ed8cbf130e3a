package dev.metascale.core.result;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One writer per run directory, across processes; a killed holder never leaves the directory locked. */
class RunDirectoryLockTest {
    @TempDir
    Path dir;

    /** Holds the lock of {@code args[0]} until killed. */
    public static void main(String[] args) throws Exception {
        RunDirectoryLock lock = RunDirectoryLock.acquire(Path.of(args[0]));
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
        lock.close();
    }

    @Test
    void aSecondHolderInThisProcessIsRefused() throws Exception {
        try (RunDirectoryLock first = RunDirectoryLock.acquire(dir)) {
            RunDirectoryLock.BusyException busy = assertThrows(RunDirectoryLock.BusyException.class, () -> RunDirectoryLock.acquire(dir));
            assertTrue(busy.getMessage().contains("PID " + ProcessHandle.current().pid()), busy.getMessage());
        }
        RunDirectoryLock.acquire(dir).close(); // released: free again
    }

    @Test
    void anotherProcessIsRefusedWithItsPidAndItsLockDiesWithIt() throws Exception {
        Process holder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), RunDirectoryLockTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            RunDirectoryLock.BusyException busy = assertThrows(RunDirectoryLock.BusyException.class, () -> RunDirectoryLock.acquire(dir));
            assertTrue(busy.getMessage().contains("PID " + holder.pid()), busy.getMessage());
            assertTrue(busy.getMessage().contains("another --out"), busy.getMessage());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no chance to release
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        RunDirectoryLock.acquire(dir).close(); // the operating system released it with the process
    }
}

package dev.metascale.engine.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Process memory from Linux's {@code /proc/self}: the peak resident set (VmHWM) and its reset
 * (writing {@code 5} to {@code clear_refs} sets VmHWM back to the current RSS), so that each phase
 * of a trial gets its own peak. Absent (empty) where /proc is not Linux's.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {
    }

    /** Peak resident set since start or the last {@link #resetPeak()}, in bytes. */
    public static OptionalLong peakRssBytes() {
        return statusField("VmHWM:");
    }

    /** Current resident set in bytes. */
    public static OptionalLong rssBytes() {
        return statusField("VmRSS:");
    }

    /** Resets the peak to the current RSS; false when the kernel does not allow it. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static OptionalLong statusField(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}

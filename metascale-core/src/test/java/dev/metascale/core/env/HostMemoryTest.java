package dev.metascale.core.env;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The memory a machine's workers may use: the smaller of RAM and the memory cgroup's limit, v1 or v2. */
class HostMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aCgroupLimitBelowRamWinsAndNoLimitLosesToRam() throws Exception {
        Path meminfo = Files.writeString(tmp.resolve("meminfo"), "MemTotal:       24000000 kB\nMemFree: 1 kB\n");
        Path v1 = Files.writeString(tmp.resolve("v1"), "4:memory:/job\n0::/\n");
        Path dir = Files.createDirectories(tmp.resolve("sys/memory/job"));
        Files.writeString(dir.resolve("memory.limit_in_bytes"), "8589934592\n");
        assertEquals(OptionalLong.of(8L << 30), HostMemory.limitBytes(meminfo, v1, tmp.resolve("sys")));
        Files.writeString(dir.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        assertEquals(OptionalLong.of(24000000L * 1024), HostMemory.limitBytes(meminfo, v1, tmp.resolve("sys")));

        Path v2 = Files.writeString(tmp.resolve("v2"), "0::/user/job\n");
        Path dir2 = Files.createDirectories(tmp.resolve("sys2/user/job"));
        Files.writeString(dir2.resolve("memory.max"), "max\n");
        assertEquals(OptionalLong.of(24000000L * 1024), HostMemory.limitBytes(meminfo, v2, tmp.resolve("sys2")));
        Files.writeString(dir2.resolve("memory.max"), "1073741824\n");
        assertEquals(OptionalLong.of(1L << 30), HostMemory.limitBytes(meminfo, v2, tmp.resolve("sys2")));
    }
}

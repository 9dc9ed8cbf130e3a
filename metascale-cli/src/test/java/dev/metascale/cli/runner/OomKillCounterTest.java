package dev.metascale.cli.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OomKillCounterTest {
    @TempDir
    Path tmp;

    @Test
    void cgroupV1sOomControlIsRead() throws Exception {
        Path proc = Files.writeString(tmp.resolve("cgroup"), "5:devices:/\n4:memory:/jobs/42\n0::/\n");
        Path file = Files.createDirectories(tmp.resolve("sys/memory/jobs/42")).resolve("memory.oom_control");
        Files.writeString(file, "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        Optional<Path> located = OomKillCounter.locate(proc, tmp.resolve("sys"));
        assertEquals(Optional.of(file), located);
        assertEquals(3, new OomKillCounter(located).current());
    }

    @Test
    void cgroupV2sMemoryEventsIsRead() throws Exception {
        Path proc = Files.writeString(tmp.resolve("cgroup"), "0::/user.slice/job\n");
        Path file = Files.createDirectories(tmp.resolve("sys/user.slice/job")).resolve("memory.events");
        Files.writeString(file, "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n");
        Optional<Path> located = OomKillCounter.locate(proc, tmp.resolve("sys"));
        assertEquals(Optional.of(file), located);
        assertEquals(1, new OomKillCounter(located).current());
    }

    @Test
    void thisMachineExposesACounter() {
        // this host has cgroup v1 (memory.oom_control), the one the v2-only reader missed
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/cgroup")));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
                || Files.isReadable(Path.of("/sys/fs/cgroup/memory.events")));
        assertEquals(true, new OomKillCounter().current() >= 0);
    }
}

package dev.metascale.cli.runner;

import dev.metascale.core.env.MemoryCgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel OOM killer's count for this process's memory cgroup: the {@code oom_kill} line of cgroup v2's
 * {@code memory.events}, or of cgroup v1's {@code memory.oom_control}. When it grows while a worker dies of SIGKILL,
 * the kernel killed it for memory.
 */
final class OomKillCounter {
    private final Optional<Path> counterFile;

    OomKillCounter() {
        this(MemoryCgroup.ofThisProcess().map(MemoryCgroup::oomKillFile).filter(Files::isReadable));
    }

    OomKillCounter(Optional<Path> counterFile) {
        this.counterFile = counterFile;
    }

    /** The current count, or -1 when this machine does not expose it. */
    long current() {
        if (counterFile.isEmpty()) {
            return -1;
        }
        try {
            return Files.readAllLines(counterFile.get()).stream()
                    .filter(line -> line.startsWith("oom_kill "))
                    .mapToLong(line -> Long.parseLong(line.substring("oom_kill ".length()).strip()))
                    .findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The OOM-kill counter file of the memory cgroup named in {@code procCgroup} under {@code cgroupRoot}. */
    static Optional<Path> locate(Path procCgroup, Path cgroupRoot) {
        return MemoryCgroup.of(procCgroup, cgroupRoot).map(MemoryCgroup::oomKillFile).filter(Files::isReadable);
    }
}

package dev.metascale.cli.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel OOM killer's count for this process's cgroup ({@code oom_kill} of cgroup v2
 * {@code memory.events}): when it grows while a worker dies of SIGKILL, the kernel killed it for memory.
 */
final class OomKillCounter {
    private final Optional<Path> events;

    OomKillCounter() {
        this.events = locate();
    }

    /** The current count, or -1 when this machine does not expose it. */
    long current() {
        if (events.isEmpty()) {
            return -1;
        }
        try {
            return Files.readAllLines(events.get()).stream()
                    .filter(line -> line.startsWith("oom_kill "))
                    .mapToLong(line -> Long.parseLong(line.substring("oom_kill ".length()).strip()))
                    .findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Optional<Path> locate() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    Path file = Path.of("/sys/fs/cgroup" + line.substring(3).strip(), "memory.events");
                    return Files.isReadable(file) ? Optional.of(file) : Optional.empty();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not cgroup v2 or not Linux
        }
        return Optional.empty();
    }
}

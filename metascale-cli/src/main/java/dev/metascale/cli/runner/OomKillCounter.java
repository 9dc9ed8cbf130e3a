package dev.metascale.cli.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel OOM killer's count for this process's memory cgroup: the {@code oom_kill} line of cgroup v2's
 * {@code memory.events}, or of cgroup v1's {@code memory.oom_control}. When it grows while a worker dies of SIGKILL,
 * the kernel killed it for memory.
 */
final class OomKillCounter {
    private final Optional<Path> counterFile;

    OomKillCounter() {
        this(locate(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup")));
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

    /**
     * The counter file of the cgroup named in {@code procCgroup} under {@code cgroupRoot}: v2's
     * {@code 0::/PATH} → {@code ROOT/PATH/memory.events}; v1's {@code N:memory:/PATH} →
     * {@code ROOT/memory/PATH/memory.oom_control} (or the controller's root when the path is not visible, as inside a
     * cgroup namespace).
     */
    static Optional<Path> locate(Path procCgroup, Path cgroupRoot) {
        try {
            List<String> lines = Files.readAllLines(procCgroup);
            for (String line : lines) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                    String path = parts[2].strip();
                    for (Path candidate : List.of(Path.of(cgroupRoot + "/memory" + path, "memory.oom_control"),
                            cgroupRoot.resolve("memory").resolve("memory.oom_control"))) {
                        if (Files.isReadable(candidate)) {
                            return Optional.of(candidate);
                        }
                    }
                }
            }
            for (String line : lines) {
                if (line.startsWith("0::")) {
                    Path file = Path.of(cgroupRoot + line.substring(3).strip(), "memory.events");
                    if (Files.isReadable(file)) {
                        return Optional.of(file);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Optional.empty();
    }
}

package dev.metascale.core.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The memory cgroup of this process, v1 or v2, as {@code /proc/self/cgroup} names it: where its limit and its OOM-kill
 * count are. v1's {@code N:memory:/PATH} is {@code ROOT/memory/PATH} (or the controller's root where the path is not
 * visible, as inside a cgroup namespace); v2's {@code 0::/PATH} is {@code ROOT/PATH}. v1 wins when both are listed:
 * a v2 line then only names the (controller-less) unified hierarchy.
 *
 * @param directory the cgroup's directory
 * @param v2        whether it is a cgroup v2 directory
 */
public record MemoryCgroup(Path directory, boolean v2) {

    /** This process's memory cgroup, if it can be found. */
    public static Optional<MemoryCgroup> ofThisProcess() {
        return of(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    /** The memory cgroup {@code procCgroup} names, under {@code cgroupRoot} (tests pass their own files). */
    public static Optional<MemoryCgroup> of(Path procCgroup, Path cgroupRoot) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procCgroup);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux
        }
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                for (Path dir : List.of(Path.of(cgroupRoot + "/memory" + parts[2].strip()), cgroupRoot.resolve("memory"))) {
                    if (Files.isReadable(dir.resolve("memory.oom_control")) || Files.isReadable(dir.resolve("memory.limit_in_bytes"))) {
                        return Optional.of(new MemoryCgroup(dir, false));
                    }
                }
            }
        }
        for (String line : lines) {
            if (line.startsWith("0::")) {
                Path dir = Path.of(cgroupRoot + line.substring(3).strip());
                if (Files.isReadable(dir.resolve("memory.events")) || Files.isReadable(dir.resolve("memory.max"))) {
                    return Optional.of(new MemoryCgroup(dir, true));
                }
            }
        }
        return Optional.empty();
    }

    /** The file whose {@code oom_kill N} line counts the kernel OOM killer's kills in this cgroup. */
    public Path oomKillFile() {
        return directory.resolve(v2 ? "memory.events" : "memory.oom_control");
    }

    /** The cgroup's memory limit in bytes; empty when there is none ("max", or v1's near-2^63 "no limit" loses to RAM). */
    public java.util.OptionalLong limitBytes() {
        try {
            String value = Files.readString(directory.resolve(v2 ? "memory.max" : "memory.limit_in_bytes")).strip();
            return value.matches("\\d+") ? java.util.OptionalLong.of(Long.parseLong(value)) : java.util.OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }
}

package dev.metascale.core.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory the workers of this machine can use: the smaller of physical memory ({@code MemTotal}) and the limit of
 * this process's memory cgroup (v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}; "no limit" is a huge
 * number there and loses to {@code MemTotal}).
 */
public final class HostMemory {
    private HostMemory() {
    }

    /** The bytes available to workers, or empty where neither figure can be read (not Linux). */
    public static OptionalLong limitBytes() {
        return limitBytes(Path.of("/proc/meminfo"), Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    static OptionalLong limitBytes(Path meminfo, Path procCgroup, Path cgroupRoot) {
        OptionalLong physical = OptionalLong.empty();
        try {
            physical = Environment.memTotalBytes(Files.readString(meminfo)).map(OptionalLong::of).orElse(OptionalLong.empty());
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        OptionalLong cgroup = cgroupLimit(procCgroup, cgroupRoot);
        if (physical.isPresent() && cgroup.isPresent()) {
            return OptionalLong.of(Math.min(physical.getAsLong(), cgroup.getAsLong()));
        }
        return physical.isPresent() ? physical : cgroup;
    }

    private static OptionalLong cgroupLimit(Path procCgroup, Path cgroupRoot) {
        try {
            for (String line : Files.readAllLines(procCgroup)) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                String path = parts[2].strip();
                Path file = parts[0].equals("0") && parts[1].isEmpty()
                        ? Path.of(cgroupRoot + path, "memory.max")
                        : List.of(parts[1].split(",")).contains("memory") ? Path.of(cgroupRoot + "/memory" + path, "memory.limit_in_bytes")
                        : null;
                if (file != null && Files.isReadable(file)) {
                    String value = Files.readString(file).strip();
                    if (!value.equals("max") && value.matches("\\d+")) {
                        return OptionalLong.of(Long.parseLong(value));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup
        }
        return OptionalLong.empty();
    }
}

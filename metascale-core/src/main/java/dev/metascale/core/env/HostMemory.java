package dev.metascale.core.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        OptionalLong cgroup = MemoryCgroup.of(procCgroup, cgroupRoot).map(MemoryCgroup::limitBytes).orElse(OptionalLong.empty());
        if (physical.isPresent() && cgroup.isPresent()) {
            return OptionalLong.of(Math.min(physical.getAsLong(), cgroup.getAsLong()));
        }
        return physical.isPresent() ? physical : cgroup;
    }
}

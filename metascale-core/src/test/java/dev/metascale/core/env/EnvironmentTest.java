package dev.metascale.core.env;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentTest {

    /** Two sockets × 2 cores × 2 hyper-threads. */
    private static final String TWO_SOCKET_CPUINFO = cpu(0, 0, 0) + cpu(1, 0, 0) + cpu(2, 0, 1) + cpu(3, 0, 1)
            + cpu(4, 1, 0) + cpu(5, 1, 0) + cpu(6, 1, 1) + cpu(7, 1, 1);

    private static String cpu(int processor, int socket, int core) {
        return "processor\t: " + processor + "\nmodel name\t: Intel(R) Xeon(R) Gold 6130\nphysical id\t: " + socket
                + "\ncore id\t\t: " + core + "\ncpu cores\t: 2\n\n";
    }

    @Test
    void captureOnThisMachineHasTheCoreFields() {
        ObjectNode env = Environment.capture();
        assertTrue(env.path("cpu_model").isTextual() && !env.get("cpu_model").asText().isBlank(), env.toString());
        assertTrue(env.path("cpu_threads").asInt() >= 1, env.toString());
        assertTrue(env.path("memory_bytes").asLong() > 100L << 20, env.toString());
        assertTrue(env.path("os").isTextual(), env.toString());
        assertTrue(env.path("jvm").asText().contains(System.getProperty("java.runtime.version")), env.toString());
        assertTrue(env.path("java_args").isArray());
        assertTrue(env.path("gpus").isArray());
        assertTrue(env.has("interconnect"));
        assertTrue(env.path("malloc_env").isObject());
        assertEquals(Environment.metascaleVersion(), env.path("metascale_version").asText());
    }

    @Test
    void countsSocketsPhysicalCoresAndThreads() {
        FakeProbe probe = new FakeProbe();
        probe.files.put("/proc/cpuinfo", TWO_SOCKET_CPUINFO);
        probe.files.put("/proc/meminfo", "MemTotal:       16314800 kB\nMemFree:  100 kB\n");
        ObjectNode env = Environment.capture(probe, Path.of("/nowhere"));
        assertEquals("Intel(R) Xeon(R) Gold 6130", env.get("cpu_model").asText());
        assertEquals(2, env.get("cpu_sockets").asInt());
        assertEquals(4, env.get("cpu_cores").asInt());
        assertEquals(8, env.get("cpu_threads").asInt());
        assertEquals(16314800L * 1024, env.get("memory_bytes").asLong());
    }

    @Test
    void unreadableFieldsAreAbsentNotZero() {
        FakeProbe probe = new FakeProbe();
        ObjectNode env = Environment.capture(probe, Path.of("/nowhere"));
        assertFalse(env.has("cpu_model"));
        assertFalse(env.has("memory_bytes"));
        assertFalse(env.has("kernel"));
        assertFalse(env.has("git_revision"));
        assertFalse(env.has("git_dirty"));
        assertEquals(0, env.get("gpus").size());
        assertTrue(env.get("interconnect").isNull());
    }

    @Test
    void readsGitRevisionAndDirtiness() {
        FakeProbe probe = new FakeProbe();
        String sha = "0123456789abcdef0123456789abcdef01234567";
        probe.commands.put("git -C /repo rev-parse HEAD", sha + "\n");
        probe.commands.put("git -C /repo status --porcelain", " M pom.xml\n");
        ObjectNode env = Environment.capture(probe, Path.of("/repo"));
        assertEquals(sha, env.get("git_revision").asText());
        assertTrue(env.get("git_dirty").asBoolean());
    }

    @Test
    void keepsOnlyAllocatorAndBlasVariables() {
        FakeProbe probe = new FakeProbe();
        probe.env.put("MALLOC_ARENA_MAX", "1");
        probe.env.put("OPENBLAS_NUM_THREADS", "1");
        probe.env.put("HOME", "/root");
        ObjectNode malloc = (ObjectNode) Environment.capture(probe, Path.of("/x")).get("malloc_env");
        assertEquals(2, malloc.size());
        assertEquals("1", malloc.get("MALLOC_ARENA_MAX").asText());
    }

    @Test
    void describesGpusAndNvlinkFromNvidiaSmi() {
        FakeProbe probe = new FakeProbe();
        probe.programs = List.of("nvidia-smi");
        probe.commands.put("nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap,mig.mode.current,"
                        + "pcie.link.gen.current,pcie.link.width.current --format=csv,noheader",
                "NVIDIA A100-SXM4-80GB, 81920 MiB, 550.54.15, 8.0, Disabled, 4, 16\nNVIDIA A100-SXM4-80GB, 81920 MiB, 550.54.15, 8.0,"
                        + " [N/A], 4, 16\n");
        probe.commands.put("nvidia-smi topo -m", "\tGPU0\tGPU1\nGPU0\t X \tNV12\nGPU1\tNV12\t X \n");
        ObjectNode env = Environment.capture(probe, Path.of("/x"));
        assertEquals(2, env.get("gpus").size());
        assertEquals(81920L << 20, env.get("gpus").get(0).get("memory_bytes").asLong());
        assertEquals("550.54.15", env.get("gpus").get(1).get("driver_version").asText());
        assertEquals("8.0", env.get("gpus").get(0).get("compute_cap").asText());
        assertEquals("Disabled", env.get("gpus").get(0).get("mig_mode").asText());
        assertTrue(env.get("gpus").get(1).path("mig_mode").isMissingNode(), "[N/A] is left out");
        assertEquals("16", env.get("gpus").get(0).get("pcie_link_width").asText());
        assertTrue(env.get("gpus").get(0).get("topology").asText().contains("NV12"), "the topology is kept even for one GPU");
        assertEquals(1, env.get("interconnect").get("nvlink").get("gpu_pairs").asInt());
        assertEquals(12, env.get("interconnect").get("nvlink").get("max_links_per_pair").asInt());
    }

    @Test
    void describesInfinibandPorts() {
        FakeProbe probe = new FakeProbe();
        probe.dirs.put("/sys/class/infiniband", List.of("mlx5_0"));
        probe.dirs.put("/sys/class/infiniband/mlx5_0/ports", List.of("1"));
        probe.files.put("/sys/class/infiniband/mlx5_0/ports/1/rate", "200 Gb/sec (4X HDR)\n");
        ObjectNode env = Environment.capture(probe, Path.of("/x"));
        assertEquals("200 Gb/sec (4X HDR)", env.get("interconnect").get("infiniband").get(0).get("rate").asText());
    }

    private static final class FakeProbe implements Environment.Probe {
        final Map<String, String> files = new HashMap<>();
        final Map<String, List<String>> dirs = new HashMap<>();
        final Map<String, String> commands = new HashMap<>();
        final Map<String, String> env = new HashMap<>();
        List<String> programs = List.of();

        @Override
        public Optional<String> readFile(String path) {
            return Optional.ofNullable(files.get(path));
        }

        @Override
        public List<String> listDirectory(String path) {
            return dirs.getOrDefault(path, List.of());
        }

        @Override
        public Optional<String> run(List<String> command) {
            return Optional.ofNullable(commands.get(String.join(" ", command)));
        }

        @Override
        public boolean onPath(String program) {
            return programs.contains(program);
        }

        @Override
        public Map<String, String> environment() {
            return env;
        }
    }
}

package dev.metascale.core.env;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a trial runs: the non-native {@code env} fields of {@code docs/results-schema.md}
 * (hardware, OS, JVM, versions, allocator settings, GPUs and interconnect). The engine adds the
 * libtorch fields itself.
 *
 * <p>{@link #capture()} never fails: a field that cannot be read on this machine is left out.
 */
public final class Environment {
    /** System property holding the metascale installation (set by {@code bin/metascale}); default: cwd. */
    public static final String HOME_PROPERTY = "metascale.home";

    private static final Pattern NV_LINK = Pattern.compile("\\bNV(\\d+)\\b");

    private Environment() {
    }

    /** The environment of this process; the git revision is read from {@link #home()}. */
    public static ObjectNode capture() {
        return capture(new SystemProbe(), home());
    }

    /** The metascale installation: the {@value #HOME_PROPERTY} system property, else the working directory. */
    public static Path home() {
        String home = System.getProperty(HOME_PROPERTY);
        return Paths.get(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    /** Captures through {@code probe} (tests pass canned files and command outputs). */
    static ObjectNode capture(Probe probe, Path home) {
        ObjectNode env = Json.MAPPER.createObjectNode();
        field(() -> probe.readFile("/proc/cpuinfo").ifPresent(text -> CpuInfo.parse(text).writeTo(env)));
        field(() -> probe.readFile("/proc/meminfo").flatMap(Environment::memTotalBytes)
                .ifPresent(bytes -> env.put("memory_bytes", bytes)));
        if (!env.has("cpu_threads")) {
            env.put("cpu_threads", Runtime.getRuntime().availableProcessors());
        }
        field(() -> env.put("os", osName(probe)));
        field(() -> probe.readFile("/proc/sys/kernel/osrelease").map(String::strip).filter(s -> !s.isEmpty())
                .ifPresent(kernel -> env.put("kernel", kernel)));
        field(() -> env.put("jvm", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version")));
        field(() -> {
            ArrayNode args = env.putArray("java_args");
            ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(args::add);
        });
        field(() -> hostname(probe).ifPresent(name -> env.put("hostname", name)));
        field(() -> env.put("metascale_version", metascaleVersion()));
        field(() -> gitRevision(probe, home, env));
        field(() -> {
            ObjectNode malloc = env.putObject("malloc_env");
            new TreeMap<>(probe.environment()).forEach((name, value) -> {
                if (name.startsWith("MALLOC_") || name.startsWith("OPENBLAS_")) {
                    malloc.put(name, value);
                }
            });
        });
        boolean hasNvidiaSmi = probe.onPath("nvidia-smi");
        field(() -> env.set("gpus", gpus(probe, hasNvidiaSmi)));
        field(() -> {
            ObjectNode interconnect = interconnect(probe, hasNvidiaSmi);
            if (interconnect == null) {
                env.putNull("interconnect");
            } else {
                env.set("interconnect", interconnect);
            }
        });
        return env;
    }

    /** The Implementation-Version of the metascale jar, or {@code dev} when run from classes. */
    public static String metascaleVersion() {
        String version = Environment.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }

    static Optional<Long> memTotalBytes(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                boolean kilobytes = parts.length > 1 && parts[1].equalsIgnoreCase("kB");
                return Optional.of(kilobytes ? value * 1024 : value);
            }
        }
        return Optional.empty();
    }

    private static String osName(Probe probe) {
        Optional<String> pretty = probe.readFile("/etc/os-release").flatMap(text -> text.lines()
                .filter(line -> line.startsWith("PRETTY_NAME="))
                .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", "").strip())
                .findFirst());
        String arch = System.getProperty("os.arch");
        return pretty.map(name -> name + " (" + arch + ")")
                .orElse(System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + arch + ")");
    }

    private static Optional<String> hostname(Probe probe) {
        Optional<String> name = probe.readFile("/proc/sys/kernel/hostname").map(String::strip).filter(s -> !s.isEmpty());
        if (name.isPresent()) {
            return name;
        }
        String fromEnv = probe.environment().get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(fromEnv);
        }
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void gitRevision(Probe probe, Path home, ObjectNode env) {
        Optional<String> revision = probe.run(List.of("git", "-C", home.toString(), "rev-parse", "HEAD"))
                .map(String::strip).filter(s -> s.matches("[0-9a-f]{40,64}"));
        if (revision.isEmpty()) {
            return;
        }
        env.put("git_revision", revision.get());
        probe.run(List.of("git", "-C", home.toString(), "status", "--porcelain"))
                .ifPresent(status -> env.put("git_dirty", !status.isBlank()));
    }

    /**
     * What {@code nvidia-smi --query-gpu} is asked per GPU: name and memory, then fields recorded under their names
     * (dots as underscores, {@code .current} left out): driver, compute capability, MIG mode, PCIe link generation and
     * width. "[N/A]" cells are left out.
     */
    static final List<String> GPU_QUERY = List.of("name", "memory.total", "driver_version", "compute_cap", "mig.mode.current",
            "pcie.link.gen.current", "pcie.link.width.current");

    static ArrayNode gpus(Probe probe, boolean hasNvidiaSmi) {
        ArrayNode gpus = Json.MAPPER.createArrayNode();
        if (!hasNvidiaSmi) {
            return gpus;
        }
        probe.run(List.of("nvidia-smi", "--query-gpu=" + String.join(",", GPU_QUERY), "--format=csv,noheader"))
                .ifPresent(csv -> csv.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> {
                    String[] cells = line.split("\\s*,\\s*");
                    ObjectNode gpu = gpus.addObject();
                    gpu.put("name", cells[0]);
                    if (cells.length > 1) {
                        memoryBytes(cells[1]).ifPresentOrElse(bytes -> gpu.put("memory_bytes", bytes),
                                () -> gpu.put("memory", cells[1]));
                    }
                    for (int i = 2; i < Math.min(cells.length, GPU_QUERY.size()); i++) {
                        if (!cells[i].isEmpty() && !cells[i].startsWith("[N/A") && !cells[i].equals("N/A")) {
                            gpu.put(GPU_QUERY.get(i).replace('.', '_').replace("_current", ""), cells[i]);
                        }
                    }
                }));
        // the topology matrix even for one GPU (its NUMA and CPU affinity; PCIe or NVLink between several)
        probe.run(List.of("nvidia-smi", "topo", "-m")).map(String::strip).filter(t -> !t.isEmpty()).ifPresent(topology -> {
            for (int i = 0; i < gpus.size(); i++) {
                ((ObjectNode) gpus.get(i)).put("topology", topology);
            }
        });
        return gpus;
    }

    /** {@code "81920 MiB"} → bytes. */
    static Optional<Long> memoryBytes(String text) {
        Matcher m = Pattern.compile("(\\d+)\\s*(KiB|MiB|GiB)").matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        long value = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            default -> 30;
        };
        return Optional.of(value << shift);
    }

    /** Null on a single-node machine without InfiniBand devices or NVLink between GPUs. */
    static ObjectNode interconnect(Probe probe, boolean hasNvidiaSmi) {
        ObjectNode interconnect = Json.MAPPER.createObjectNode();
        List<String> devices = probe.listDirectory("/sys/class/infiniband");
        if (!devices.isEmpty()) {
            ArrayNode ib = interconnect.putArray("infiniband");
            for (String device : devices) {
                List<String> ports = probe.listDirectory("/sys/class/infiniband/" + device + "/ports");
                if (ports.isEmpty()) {
                    ib.addObject().put("device", device);
                }
                for (String port : ports) {
                    ObjectNode entry = ib.addObject().put("device", device).put("port", port);
                    String base = "/sys/class/infiniband/" + device + "/ports/" + port + "/";
                    probe.readFile(base + "rate").map(String::strip).ifPresent(rate -> entry.put("rate", rate));
                    probe.readFile(base + "state").map(String::strip).ifPresent(state -> entry.put("state", state));
                    probe.readFile(base + "link_layer").map(String::strip).ifPresent(layer -> entry.put("link_layer", layer));
                }
            }
        }
        if (hasNvidiaSmi) {
            probe.run(List.of("nvidia-smi", "topo", "-m")).ifPresent(topology -> {
                Matcher m = NV_LINK.matcher(topology);
                int pairs = 0;
                int maxLinks = 0;
                while (m.find()) {
                    pairs++;
                    maxLinks = Math.max(maxLinks, Integer.parseInt(m.group(1)));
                }
                if (pairs > 0) {
                    interconnect.putObject("nvlink")
                            .put("gpu_pairs", pairs / 2)
                            .put("max_links_per_pair", maxLinks)
                            .put("topology", topology.strip());
                }
            });
        }
        return interconnect.isEmpty() ? null : interconnect;
    }

    private static void field(Runnable reader) {
        try {
            reader.run();
        } catch (RuntimeException e) {
            // a field that cannot be read is absent
        }
    }

    /** {@code /proc/cpuinfo} summarised. */
    record CpuInfo(String model, int sockets, int cores, int threads) {
        static CpuInfo parse(String cpuinfo) {
            String model = null;
            int threads = 0;
            java.util.Set<String> sockets = new java.util.HashSet<>();
            java.util.Set<String> cores = new java.util.HashSet<>();
            int coresPerSocket = 0;
            for (String block : cpuinfo.split("\n\\s*\n")) {
                Map<String, String> fields = new TreeMap<>();
                for (String line : block.split("\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                    }
                }
                if (!fields.containsKey("processor")) {
                    continue;
                }
                threads++;
                if (model == null) {
                    model = fields.getOrDefault("model name", fields.get("Model"));
                }
                String physicalId = fields.getOrDefault("physical id", "0");
                sockets.add(physicalId);
                if (fields.containsKey("core id")) {
                    cores.add(physicalId + "/" + fields.get("core id"));
                }
                if (fields.containsKey("cpu cores")) {
                    coresPerSocket = Integer.parseInt(fields.get("cpu cores"));
                }
            }
            int socketCount = sockets.size();
            int coreCount = !cores.isEmpty() ? cores.size() : coresPerSocket * socketCount;
            return new CpuInfo(model, socketCount, coreCount, threads);
        }

        void writeTo(ObjectNode env) {
            if (model != null) {
                env.put("cpu_model", model);
            }
            if (sockets > 0) {
                env.put("cpu_sockets", sockets);
            }
            if (cores > 0) {
                env.put("cpu_cores", cores);
            }
            if (threads > 0) {
                env.put("cpu_threads", threads);
            }
        }
    }

    /** What {@link #capture} reads from the machine; tests substitute canned answers. */
    interface Probe {
        /** The file's text, or empty when it cannot be read. */
        Optional<String> readFile(String path);

        /** Names in a directory, sorted; empty when it does not exist. */
        List<String> listDirectory(String path);

        /** The command's stdout when it exits 0 within a few seconds, else empty. */
        Optional<String> run(List<String> command);

        boolean onPath(String program);

        Map<String, String> environment();
    }

    /** The real machine. */
    static final class SystemProbe implements Probe {
        private static final long COMMAND_TIMEOUT_S = 10;

        @Override
        public Optional<String> readFile(String path) {
            try {
                return Optional.of(Files.readString(Path.of(path), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        @Override
        public List<String> listDirectory(String path) {
            try (Stream<Path> entries = Files.list(Path.of(path))) {
                return entries.map(p -> p.getFileName().toString()).sorted().toList();
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        }

        @Override
        public Optional<String> run(List<String> command) {
            if (!onPath(command.get(0))) {
                return Optional.empty();
            }
            Path output = null;
            try {
                output = Files.createTempFile("metascale-env", ".out");
                Process process = new ProcessBuilder(command)
                        .redirectOutput(output.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(COMMAND_TIMEOUT_S, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return Optional.empty();
                }
                if (process.exitValue() != 0) {
                    return Optional.empty();
                }
                return Optional.of(Files.readString(output, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } finally {
                if (output != null) {
                    try {
                        Files.deleteIfExists(output);
                    } catch (IOException ignored) {
                        // a leftover temp file is harmless
                    }
                }
            }
        }

        @Override
        public boolean onPath(String program) {
            String path = System.getenv("PATH");
            if (path == null) {
                return false;
            }
            return Stream.of(path.split(java.io.File.pathSeparator)).filter(dir -> !dir.isEmpty())
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        }

        @Override
        public Map<String, String> environment() {
            return System.getenv();
        }
    }
}

package dev.metascale.cli.runner;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a worker JVM is started: the same {@code java} and class path as this JVM, a bounded heap,
 * exit on the first {@link OutOfMemoryError}, and allocator/BLAS settings that keep memory
 * measurements clean.
 *
 * @param javaExecutable {@code $java.home/bin/java}
 * @param classPath      the class path of the worker, normally this JVM's
 * @param mainClass      class whose {@code main} accepts {@code worker --spec F --result R --threads N}
 * @param heap           value of {@code -Xmx}, e.g. {@code 4g}
 * @param extraJvmFlags  flags added after the standard ones
 * @param environment    variables added to the worker's environment
 * @param threads        libtorch intra-op threads of the worker
 * @param home           the metascale installation, passed as {@code -Dmetascale.home}
 */
public record WorkerLaunch(Path javaExecutable, String classPath, String mainClass, String heap,
                           List<String> extraJvmFlags, Map<String, String> environment, int threads, Path home) {

    /** Main class of the real worker: {@code dev.metascale.cli.Main worker ...}. */
    public static final String DEFAULT_MAIN_CLASS = "dev.metascale.cli.Main";

    public WorkerLaunch {
        extraJvmFlags = List.copyOf(extraJvmFlags);
        environment = Map.copyOf(environment);
        if (threads < 1) {
            throw new IllegalArgumentException("worker threads must be at least 1, got " + threads);
        }
    }

    /**
     * Debian's OpenMP build of OpenBLAS (package {@code libopenblas0-openmp}). When present, workers
     * preload it in place of the OpenBLAS 0.3.31 bundled with the JavaCPP presets: libtorch then calls
     * its {@code sgemm} (and its OpenMP runtime, which libtorch shares), measured 15 % faster on a
     * second-order MAML iteration of the MLP (docs/performance.md: the bundled build spends ~2× the time
     * packing matrices). {@code METASCALE_BLAS=bundled} keeps the bundled one.
     */
    public static final Path SYSTEM_OPENBLAS = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0");

    /** The standard launch: this JVM's java and class path, {@link #defaultHeap()}, all cores. */
    public static WorkerLaunch defaults(Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("MALLOC_ARENA_MAX", "1");
        env.put("MALLOC_MMAP_THRESHOLD_", "33554432");
        env.put("MALLOC_TRIM_THRESHOLD_", "4294967296");
        blasPreload(System.getenv("METASCALE_BLAS"), SYSTEM_OPENBLAS).ifPresent(lib -> env.put("LD_PRELOAD", lib));
        return new WorkerLaunch(Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"), DEFAULT_MAIN_CLASS, defaultHeap(), List.of(), env,
                Runtime.getRuntime().availableProcessors(), home.toAbsolutePath().normalize());
    }

    /**
     * The library workers preload for BLAS: {@code library} when {@code choice} (the value of
     * {@code METASCALE_BLAS}) is unset or {@code system} and the file exists; none for {@code bundled}.
     *
     * @throws IllegalArgumentException for another choice, or {@code system} without the library
     */
    static java.util.Optional<String> blasPreload(String choice, Path library) {
        String c = choice == null || choice.isBlank() ? "auto" : choice.strip();
        boolean present = java.nio.file.Files.isRegularFile(library);
        return switch (c) {
            case "bundled" -> java.util.Optional.empty();
            case "auto" -> present ? java.util.Optional.of(library.toString()) : java.util.Optional.empty();
            case "system" -> {
                if (!present) {
                    throw new IllegalArgumentException("METASCALE_BLAS=system but " + library + " does not exist: install it with"
                            + " bin/install-packages libopenblas0-openmp, or unset METASCALE_BLAS to use the bundled OpenBLAS");
                }
                yield java.util.Optional.of(library.toString());
            }
            default -> throw new IllegalArgumentException("METASCALE_BLAS must be system or bundled (or unset: system when"
                    + " installed), got '" + choice + "'");
        };
    }

    /**
     * A quarter of physical memory, at least 512 MiB and at most 4 GiB: the Java heap of a worker
     * holds only bookkeeping; tensors live in native memory.
     */
    public static String defaultHeap() {
        long physical = 16L << 30;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        long heapMiB = Math.max(512, Math.min(4096, (physical >> 20) / 4));
        return heapMiB + "m";
    }

    public WorkerLaunch withMainClass(String newMainClass) {
        return new WorkerLaunch(javaExecutable, classPath, newMainClass, heap, extraJvmFlags, environment, threads, home);
    }

    public WorkerLaunch withHeap(String newHeap) {
        return new WorkerLaunch(javaExecutable, classPath, mainClass, newHeap, extraJvmFlags, environment, threads, home);
    }

    public WorkerLaunch withThreads(int newThreads) {
        return new WorkerLaunch(javaExecutable, classPath, mainClass, heap, extraJvmFlags, environment, newThreads, home);
    }

    public WorkerLaunch withExtraJvmFlags(List<String> flags) {
        return new WorkerLaunch(javaExecutable, classPath, mainClass, heap, flags, environment, threads, home);
    }

    /** Workers write their Chrome traces to {@code dir}/&lt;trial id&gt;.json (normally {@code DIR/traces}). */
    public WorkerLaunch withTraceDir(Path dir) {
        List<String> flags = new ArrayList<>(extraJvmFlags);
        flags.add("-Dmetascale.trace.dir=" + dir.toAbsolutePath().normalize());
        return withExtraJvmFlags(flags);
    }

    /** The JVM flags, in order. */
    public List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        flags.add("-Xmx" + heap);
        flags.add("-XX:+ExitOnOutOfMemoryError");
        flags.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        flags.add("-Djava.awt.headless=true");
        flags.add("-Dmetascale.home=" + home);
        // the worker stops itself when this runner dies or the trial outlives its timeout (WorkerWatchdog)
        flags.add("-D" + WorkerWatchdog.RUNNER_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        // the JDK's process reaper thread overflows its small default stack in a worker (libtorch loaded), so every
        // child process (the git probe of the environment) waited out its timeout and recorded nothing
        flags.add("-Djdk.lang.processReaperUseDefaultStackSize=true");
        // the Kineto operator profiler (engine probe.KinetoBinding) uses the JDK 17 foreign-function API
        flags.add("--add-modules=jdk.incubator.foreign");
        flags.add("--enable-native-access=ALL-UNNAMED");
        flags.addAll(extraJvmFlags);
        return flags;
    }

    /** The command line of a worker that writes only the environment a trial would record ({@code metascale env}). */
    public List<String> envCommand(Path resultFile) {
        return worker(List.of("--env", "--result", resultFile.toString()));
    }

    /** The full command line of a worker for one trial. */
    public List<String> command(Path specFile, Path resultFile) {
        return worker(List.of("--spec", specFile.toString(), "--result", resultFile.toString()));
    }

    /** java, the JVM flags, the class path and {@code worker ARGS --threads N}. */
    private List<String> worker(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.add("worker");
        command.addAll(args);
        command.addAll(List.of("--threads", String.valueOf(threads)));
        return command;
    }
}

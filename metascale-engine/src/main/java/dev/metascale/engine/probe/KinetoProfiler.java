package dev.metascale.engine.probe;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Kineto operator profiler of libtorch, driven through {@link KinetoBinding} (ENGINE-NOTES.md,
 * "Profiler and memory probes"). The profiler records the calling thread only, costs ~20 µs per event,
 * and is meant for a few sampled iterations.
 *
 * <p>On first use it binds the symbols and runs a self-check: a 64×32 · 32×16 {@code aten::mm} must come
 * back with the analytic 2·64·32·16 FLOPs and its 4 KiB output allocation. When the JVM lacks
 * {@code --add-modules jdk.incubator.foreign}, a symbol is missing, the layout differs or the check fails,
 * {@link #unavailableReason()} says why and {@link #start()} returns empty: profiles are then absent,
 * nothing else changes.
 */
public final class KinetoProfiler {
    /** Module holding the JDK 17 foreign-function API. */
    public static final String FOREIGN_MODULE = "jdk.incubator.foreign";
    /** System property that disables the profiler (for the fallback test and for users). */
    public static final String DISABLE_PROPERTY = "metascale.profiler.disable";

    private static KinetoBinding binding;
    private static String unavailable;
    private static boolean initialised;
    private static boolean active;

    private KinetoProfiler() {
    }

    /** Empty when the profiler works here; otherwise the cause and what to do. */
    public static synchronized Optional<String> unavailableReason() {
        initialise();
        return Optional.ofNullable(unavailable);
    }

    public static boolean available() {
        return unavailableReason().isEmpty();
    }

    /** Opens a profiled window on this thread; empty when the profiler is unavailable or a window is open. */
    public static synchronized Optional<Window> start() {
        initialise();
        if (unavailable != null || active) {
            return Optional.empty();
        }
        try {
            binding.enable();
            active = true;
            return Optional.of(new Window());
        } catch (Throwable t) {
            unavailable = "enableProfiler failed: " + t;
            return Optional.empty();
        }
    }

    /** An open profiled window. */
    public static final class Window {
        private Window() {
        }

        /**
         * Closes the window, writing the Chrome trace to {@code trace} when not null.
         *
         * @param iterations iterations the window covered
         */
        public OperatorProfile stop(int iterations, Path trace) {
            return OperatorProfile.of(iterations, stopEvents(trace));
        }

        /** Closes the window and returns the raw events. */
        public List<ProfiledEvent> stopEvents(Path trace) {
            synchronized (KinetoProfiler.class) {
                active = false;
                try {
                    return binding.disable(trace);
                } catch (Throwable t) {
                    unavailable = "disableProfiler or reading its events failed: " + t;
                    throw new IllegalStateException("profiler: " + unavailable, t);
                }
            }
        }
    }

    /** Forgets the start-up check (tests of the fallback). */
    static synchronized void reset() {
        initialised = false;
        unavailable = null;
        active = false;
    }

    private static void initialise() {
        if (initialised) {
            return;
        }
        initialised = true;
        if (Boolean.getBoolean(DISABLE_PROPERTY)) {
            unavailable = "disabled by -D" + DISABLE_PROPERTY + "=true";
            return;
        }
        if (ModuleLayer.boot().findModule(FOREIGN_MODULE).isEmpty()) {
            unavailable = "the JVM was started without --add-modules " + FOREIGN_MODULE
                    + " --enable-native-access=ALL-UNNAMED (bin/metascale and the runner add them)";
            return;
        }
        try {
            binding = new KinetoBinding();
        } catch (Throwable t) {
            unavailable = "binding the Kineto entry points of libtorch_cpu.so failed: " + t;
            return;
        }
        try {
            unavailable = selfCheck().orElse(null);
        } catch (Throwable t) {
            unavailable = "self-check failed: " + t;
        }
    }

    /** Profiles a known matmul; empty when its FLOPs and allocation are what they must be. */
    private static Optional<String> selfCheck() throws Throwable {
        binding.enable();
        active = true;
        List<ProfiledEvent> events;
        try (PointerScope scope = new PointerScope()) {
            Tensor x = torch.ones(64, 32);
            Tensor w = torch.ones(32, 16);
            x.mm(w);
        } finally {
            active = false;
            events = binding.disable(null);
        }
        long expected = 2L * 64 * 32 * 16;
        ProfiledEvent mm = events.stream().filter(e -> e.name().equals("aten::mm")).findFirst().orElse(null);
        if (mm == null) {
            return Optional.of("self-check: no aten::mm event among " + events.size() + " events");
        }
        if (mm.flops() != expected || mm.durationNs() <= 0) {
            return Optional.of("self-check: aten::mm reported " + mm.flops() + " FLOPs in " + mm.durationNs()
                    + " ns, expected " + expected + " FLOPs: the KinetoEvent layout differs from libtorch 2.10's");
        }
        boolean allocated = events.stream().anyMatch(e -> e.isMemory() && e.bytes() == 64L * 16 * 4);
        if (!allocated) {
            return Optional.of("self-check: no 4096-byte memory event for the matmul output (profile_memory not working)");
        }
        return Optional.empty();
    }
}

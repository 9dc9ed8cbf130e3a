package dev.metascale.engine.probe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.engine.torch.TrialDevice;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * This machine's measured peaks: dense GEMM FLOP/s per dtype (an n×n·n×n product, 2n³ FLOPs, best of
 * several runs after one warm-up) and memory bandwidth (copying a 64 MiB tensor: bytes read plus
 * written per second, best of several). The peak GEMM rate in the trial's compute dtype at its thread count, under
 * its BLAS, is the denominator of MFU; it is cached in {@code ~/.cache/metascale/calibration.json} under all four,
 * so a worker measures it once per machine and setting (about a second) and records the value it used. Both run on the
 * trial's device ({@link TrialDevice}): a CUDA trial's MFU is over the GPU's measured peak, never the host CPU's (the
 * device is synchronised around each timed product, and the cache key names it).
 */
public final class Calibration {
    /**
     * The cache's section: keys name the CPU, threads, dtype and BLAS. (The older {@code peak_fp32_flops_per_s} section
     * did not name the BLAS, so a CLI-measured peak overwrote the workers'; it is no longer read.)
     */
    static final String SECTION = "peak_gemm_flops_per_s";

    /** Overrides the cache location (tests). */
    public static final String CACHE_PROPERTY = "metascale.calibration.cache";
    private static final int REPEATS = 5;

    private Calibration() {
    }

    /** Best GEMM rate in FLOP/s of an {@code n}-square product in {@code dtype}; empty when the dtype is unsupported. */
    public static OptionalDouble gemmFlopsPerS(torch.ScalarType dtype, int n) {
        try (PointerScope scope = new PointerScope()) {
            TrialDevice device = TrialDevice.current();
            Tensor a = torch.randn(new long[]{n, n}, TrialDevice.options(dtype));
            Tensor b = torch.randn(new long[]{n, n}, TrialDevice.options(dtype));
            a.mm(b);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < REPEATS; r++) {
                try (PointerScope inner = new PointerScope()) {
                    device.synchronize();
                    long start = System.nanoTime();
                    a.mm(b);
                    device.synchronize();
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                }
            }
            return OptionalDouble.of(2.0 * n * n * n / best);
        } catch (RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** Best copy bandwidth in bytes/s (read + write) of a {@code bytes}-sized float tensor. */
    public static double copyBytesPerS(long bytes) {
        try (PointerScope scope = new PointerScope()) {
            TrialDevice device = TrialDevice.current();
            Tensor src = torch.ones(new long[]{bytes / 4}, TrialDevice.options(torch.ScalarType.Float));
            Tensor dst = torch.zeros(new long[]{bytes / 4}, TrialDevice.options(torch.ScalarType.Float));
            dst.copy_(src);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < REPEATS; r++) {
                device.synchronize();
                long start = System.nanoTime();
                dst.copy_(src);
                device.synchronize();
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            return 2.0 * (bytes / 4 * 4) / best;
        }
    }

    /** The GEMM peak used for MFU, with where it came from. */
    public record Peak(double flopsPerS, String source) {
    }

    /** {@link #peak} in fp32. */
    public static Peak peakFp32(String cpuModel) {
        return peak(cpuModel, torch.ScalarType.Float);
    }

    /**
     * Peak GEMM FLOP/s in {@code dtype} at libtorch's current intra-op thread count, under the BLAS this process
     * uses ({@link dev.metascale.engine.torch.TorchRuntime#blasLibrary()}: the workers preload Debian's OpenMP OpenBLAS,
     * the CLI does not — 131–137 against 292 GFLOP/s at 2 threads — so a peak is only reused by the same library):
     * from the cache when this CPU, thread count, dtype and BLAS are in it, else measured now (1024-square products,
     * 512 for bf16) and added to the cache.
     */
    public static Peak peak(String cpuModel, torch.ScalarType dtype) {
        int threads = torch.get_num_threads();
        String key = cacheKey(cpuModel, threads, dtype);
        Path cache = cacheFile();
        Optional<Double> cached = readCache(cache, key);
        if (cached.isPresent()) {
            return new Peak(cached.get(), "cache " + cache + " [" + key + "]");
        }
        int n = dtype == torch.ScalarType.Float ? 1024 : 512;
        double measured = gemmFlopsPerS(dtype, n).orElseThrow(() -> new IllegalStateException("no " + dtypeName(dtype)
                + " GEMM on this CPU"));
        store(cache, key, measured);
        return new Peak(measured, "measured in worker (" + n + "³ " + dtypeName(dtype) + " GEMM, best of " + REPEATS + ") [" + key + "]");
    }

    /** Records a measured peak (the calibrate command's) for later trials under this process's BLAS. */
    public static void store(String cpuModel, int threads, torch.ScalarType dtype, double flopsPerS) {
        store(cacheFile(), cacheKey(cpuModel, threads, dtype), flopsPerS);
    }

    /** {@link #store(String, int, torch.ScalarType, double)} in fp32. */
    public static void store(String cpuModel, int threads, double flopsPerS) {
        store(cpuModel, threads, torch.ScalarType.Float, flopsPerS);
    }

    static String cacheKey(String cpuModel, int threads, torch.ScalarType dtype) {
        TrialDevice device = TrialDevice.current();
        String where = device.isCuda() ? "device=" + device.name() + " (host " + (cpuModel == null ? "unknown-cpu" : cpuModel.strip()) + ")"
                : (cpuModel == null ? "unknown-cpu" : cpuModel.strip()) + " | threads=" + threads;
        return where + " | dtype=" + dtypeName(dtype) + " | blas=" + (device.isCuda() ? "cuBLAS"
                : dev.metascale.engine.torch.TorchRuntime.blasLibrary());
    }

    static String dtypeName(torch.ScalarType dtype) {
        return dtype == torch.ScalarType.BFloat16 ? "bfloat16" : dtype == torch.ScalarType.Double ? "float64" : "float32";
    }

    public static Path cacheFile() {
        String override = System.getProperty(CACHE_PROPERTY);
        return override != null ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".cache", "metascale", "calibration.json");
    }

    private static Optional<Double> readCache(Path cache, String key) {
        try {
            if (!Files.isRegularFile(cache)) {
                return Optional.empty();
            }
            var node = Json.MAPPER.readTree(Files.readString(cache, StandardCharsets.UTF_8)).path(SECTION).path(key);
            return node.isNumber() && node.asDouble() > 0 ? Optional.of(node.asDouble()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static synchronized void store(Path cache, String key, double flopsPerS) {
        try {
            ObjectNode root = Files.isRegularFile(cache)
                    ? (ObjectNode) Json.MAPPER.readTree(Files.readString(cache, StandardCharsets.UTF_8))
                    : Json.MAPPER.createObjectNode();
            root.with(SECTION).put(key, flopsPerS);
            Files.createDirectories(cache.toAbsolutePath().getParent());
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // an unwritable cache only means measuring again next time
        }
    }
}

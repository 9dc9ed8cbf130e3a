package dev.metascale.engine.probe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
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
 * written per second, best of several). The peak fp32 GEMM rate at a thread count is the denominator of
 * MFU; it is cached in {@code ~/.cache/metascale/calibration.json} under the CPU model and thread count,
 * so a worker measures it once per machine and setting (about a second) and records the value it used.
 */
public final class Calibration {
    /** Overrides the cache location (tests). */
    public static final String CACHE_PROPERTY = "metascale.calibration.cache";
    private static final int REPEATS = 5;

    private Calibration() {
    }

    /** Best GEMM rate in FLOP/s of an {@code n}-square product in {@code dtype}; empty when the dtype is unsupported. */
    public static OptionalDouble gemmFlopsPerS(torch.ScalarType dtype, int n) {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = torch.randn(new long[]{n, n}, new TensorOptions(dtype));
            Tensor b = torch.randn(new long[]{n, n}, new TensorOptions(dtype));
            a.mm(b);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < REPEATS; r++) {
                try (PointerScope inner = new PointerScope()) {
                    long start = System.nanoTime();
                    a.mm(b);
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
            Tensor src = torch.ones(bytes / 4);
            Tensor dst = torch.empty(bytes / 4);
            dst.copy_(src);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < REPEATS; r++) {
                long start = System.nanoTime();
                dst.copy_(src);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            return 2.0 * (bytes / 4 * 4) / best;
        }
    }

    /** The fp32 peak used for MFU, with where it came from. */
    public record Peak(double flopsPerS, String source) {
    }

    /**
     * Peak fp32 GEMM FLOP/s at libtorch's current intra-op thread count: from the cache when this CPU model
     * and thread count are in it, else measured now (1024-square products) and added to the cache.
     */
    public static Peak peakFp32(String cpuModel) {
        int threads = torch.get_num_threads();
        String key = cacheKey(cpuModel, threads);
        Path cache = cacheFile();
        Optional<Double> cached = readCache(cache, key);
        if (cached.isPresent()) {
            return new Peak(cached.get(), "cache " + cache + " [" + key + "]");
        }
        double measured = gemmFlopsPerS(torch.ScalarType.Float, 1024).orElseThrow();
        store(cache, key, measured);
        return new Peak(measured, "measured in worker (1024³ fp32 GEMM, best of " + REPEATS + ")");
    }

    /** Records a measured fp32 peak (the calibrate command's) for later trials. */
    public static void store(String cpuModel, int threads, double flopsPerS) {
        store(cacheFile(), cacheKey(cpuModel, threads), flopsPerS);
    }

    static String cacheKey(String cpuModel, int threads) {
        return (cpuModel == null ? "unknown-cpu" : cpuModel.strip()) + " | threads=" + threads;
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
            var node = Json.MAPPER.readTree(Files.readString(cache, StandardCharsets.UTF_8)).path("peak_fp32_flops_per_s").path(key);
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
            root.with("peak_fp32_flops_per_s").put(key, flopsPerS);
            Files.createDirectories(cache.toAbsolutePath().getParent());
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // an unwritable cache only means measuring again next time
        }
    }
}

package dev.metascale.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.json.Json;
import dev.metascale.engine.probe.Calibration;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/**
 * {@code calibrate}: this machine's peak GEMM FLOP/s per dtype (fp32, bf16 when supported, fp64) at one
 * thread and at all threads, and its memory bandwidth. The fp32 peaks are stored in the calibration cache
 * that trials read for {@code mfu}.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measures peak GEMM FLOP/s per dtype (1 and N threads) and memory bandwidth; caches the fp32 peak for MFU.")
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object")
    boolean json;

    @Option(names = "--threads", description = "the N of 'N threads' (default: all processors)")
    Integer threads;

    @Option(names = "--size", description = "side of the square GEMM (default ${DEFAULT-VALUE})")
    int size = 1024;

    @Option(names = "--device", description = "where to measure: cpu (default), cuda or cuda:N (the cuda build and a GPU)")
    String device = "cpu";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1 || size < 16) {
            spec.commandLine().getErr().println("error: --threads must be >= 1 and --size >= 16");
            return Main.EXIT_INVALID;
        }
        dev.metascale.engine.torch.TrialDevice where;
        try {
            where = dev.metascale.engine.torch.TrialDevice.resolve(device, 0);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Main.EXIT_INVALID;
        }
        dev.metascale.engine.torch.TrialDevice.use(where);
        String cpu = Environment.capture().path("cpu_model").asText(null);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("cpu_model", cpu);
        out.put("device", where.name());
        out.put("gemm_size", size);
        ArrayNode gemm = out.putArray("gemm");
        int[] counts = n == 1 ? new int[]{1} : new int[]{1, n};
        for (int t : counts) {
            TorchRuntime.configure(t);
            for (torch.ScalarType dtype : new torch.ScalarType[]{torch.ScalarType.Float, torch.ScalarType.BFloat16, torch.ScalarType.Double}) {
                OptionalDouble rate = Calibration.gemmFlopsPerS(dtype, dtype == torch.ScalarType.Float ? size : Math.max(16, size / 2));
                ObjectNode row = gemm.addObject().put("dtype", name(dtype)).put("threads", t);
                if (rate.isPresent()) {
                    row.put("flops_per_s", rate.getAsDouble());
                    if (dtype != torch.ScalarType.Double) {
                        Calibration.store(cpu, t, dtype, rate.getAsDouble()); // under this process's BLAS only
                    }
                } else {
                    row.put("unsupported", true);
                }
            }
        }
        TorchRuntime.configure(n);
        out.put("copy_bytes", 64L << 20);
        out.put("memory_bandwidth_bytes_per_s", Calibration.copyBytesPerS(64L << 20));
        out.put("cache", Calibration.cacheFile().toString());
        out.put("blas", dev.metascale.engine.torch.TorchRuntime.blasLibrary());

        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            w.printf("cpu: %s%s%n", cpu, where.isCuda() ? ", measured on " + where.name() : "");
            for (var row : gemm) {
                w.printf("gemm %-5s %2d thread(s): %s%n", row.get("dtype").asText(), row.get("threads").asInt(),
                        row.has("flops_per_s") ? String.format("%.1f GFLOP/s", row.get("flops_per_s").asDouble() / 1e9) : "unsupported");
            }
            w.printf("memory bandwidth (64 MiB copy, read+write): %.1f GB/s%n", out.get("memory_bandwidth_bytes_per_s").asDouble() / 1e9);
            w.printf("fp32 peaks cached in %s%n", out.get("cache").asText());
        }
        w.flush();
        return Main.EXIT_OK;
    }

    private static String name(torch.ScalarType dtype) {
        return switch (dtype) {
            case Float -> "fp32";
            case BFloat16 -> "bf16";
            case Double -> "fp64";
            default -> dtype.name();
        };
    }
}

package dev.metascale.engine.dist;

import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import dev.metascale.engine.torch.TrialDevice;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A one-process check of the data-parallel collectives on a device: one rank joins a group of world size 1 through a
 * file store — {@code ProcessGroupNCCL} on CUDA, Gloo on the CPU, as a trial's ranks do ({@link DataParallel#join}) —
 * broadcasts a parameter set, all-reduces its gradient bucket (DDP's bucket view, as the outer optimiser does) and
 * checks that the mean over one rank is the gradient itself, bit for bit, on the device it started on. A trial never
 * forms a group of one (world_size 1 runs without one), so this is how the GPU proof exercises NCCL on a host with one
 * GPU: NCCL refuses two ranks on one GPU.
 *
 * <p>Usage: {@code java -cp 'lib/*' dev.metascale.engine.dist.CollectiveCheck [--device cpu|cuda|cuda:N] [--mib M]};
 * prints one JSON line and exits 0 when the check passed, 1 when it did not.
 */
public final class CollectiveCheck {
    /** What the check found: the backend, whether the all-reduce left the gradient unchanged, and its timing. */
    public record Result(String device, String backend, boolean passed, long bucketBytes, int allReduces, double medianAllReduceS,
                         String problem) {
        /** One JSON line: the record's fields in snake case, {@code problem} null when the check passed. */
        public String json() {
            com.fasterxml.jackson.databind.node.ObjectNode node = dev.metascale.core.json.Json.MAPPER.createObjectNode()
                    .put("device", device).put("backend", backend).put("passed", passed).put("bucket_bytes", bucketBytes)
                    .put("all_reduces", allReduces).put("median_all_reduce_s", medianAllReduceS).put("problem", problem);
            return node.toString();
        }
    }

    private CollectiveCheck() {
    }

    /** Runs the check on {@code device} with a gradient bucket of about {@code bytes} bytes and {@code repeats} all-reduces. */
    public static Result run(TrialDevice device, long bytes, int repeats) {
        TrialDevice.use(device);
        try (PointerScope scope = new PointerScope()) {
            Path dir = Files.createTempDirectory("metascale-collective-check");
            RankInfo info = RankInfo.onThisMachine(0, 1, dir.resolve("store"), Duration.ofSeconds(60));
            long n = Math.max(2, bytes / 4);
            Tensor a = torch.randn(new long[]{n / 2}, TrialDevice.options(torch.ScalarType.Float)).requires_grad_(true);
            Tensor b = torch.randn(new long[]{n - n / 2}, TrialDevice.options(torch.ScalarType.Float)).requires_grad_(true);
            ParamSet params = new ParamSet(List.of("a", "b"), List.of(a, b));
            try (DataParallel group = DataParallel.join(info)) {
                group.broadcast(params);
                double[] times = new double[repeats];
                String problem = null;
                for (int r = 0; r < repeats && problem == null; r++) {
                    group.zeroGradients(params);
                    Tensor loss = a.mul(a).sum().add(b.mul(new org.bytedeco.pytorch.Scalar(3.0)).sum());
                    loss.backward();
                    Tensor expectedA;
                    Tensor expectedB;
                    try (NoGradGuard guard = new NoGradGuard()) {
                        expectedA = a.mul(new org.bytedeco.pytorch.Scalar(2.0));
                        expectedB = torch.full_like(b, new org.bytedeco.pytorch.Scalar(3.0));
                    }
                    double before = group.meter().seconds();
                    group.allReduceGradients(params);
                    times[r] = group.meter().seconds() - before;
                    if (!a.grad().equal(expectedA) || !b.grad().equal(expectedB)) {
                        problem = "the mean over one rank is not the gradient itself (all-reduce " + (r + 1) + ")";
                    } else if (a.grad().is_cuda() != device.isCuda()) {
                        problem = "the gradient is not on " + device.name() + " after the all-reduce";
                    }
                }
                java.util.Arrays.sort(times);
                return new Result(device.name(), group.backend(), problem == null, (a.numel() + b.numel()) * 4, repeats,
                        times[repeats / 2], problem);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the check needs a temporary directory for its file store", e);
        } finally {
            TrialDevice.use(TrialDevice.cpu());
        }
    }

    public static void main(String[] args) {
        String device = "cpu";
        long mib = 16;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = args[++i];
                case "--mib" -> mib = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: CollectiveCheck [--device cpu|cuda|cuda:N] [--mib M]");
                    System.exit(2);
                }
            }
        }
        TorchRuntime.configure(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        Result result;
        try {
            result = run(TrialDevice.resolve(device, 0), mib << 20, 5);
        } catch (RuntimeException e) {
            result = new Result(device, "-", false, 0, 0, 0, e.getMessage());
        }
        System.out.println(result.json());
        System.exit(result.passed() ? 0 : 1);
    }
}

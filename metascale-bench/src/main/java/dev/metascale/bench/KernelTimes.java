package dev.metascale.bench;

import dev.metascale.engine.model.MaxPool;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Single libtorch kernels on the tensor shapes of the Conv-4 and MLP MAML iteration, timed one call at a time
 * (best of {@code --repeats} after 5 warm-up calls): the same list as {@code bench/reference/kernel_times.py}, so
 * {@code bench/run-kernel-comparison} can set libtorch 2.10 (JavaCPP) beside Debian's torch 1.13 kernel by kernel.
 * A kernel of several milliseconds is timed far above the JNI call's ~1–2 µs: a difference there is the kernel's.
 *
 * <p>Usage: {@code KernelTimes [--threads N] [--repeats R]}; prints one JSON line.
 */
public final class KernelTimes {
    private KernelTimes() {
    }

    public static void main(String[] args) {
        int threads = 1;
        int repeats = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: KernelTimes [--threads N] [--repeats R]");
            }
        }
        TorchRuntime.configure(threads);
        torch.manual_seed(0);
        // Conv-4's first block on the 75 query images (64 channels, 28x28), its second block's input, the MLP's first layer
        Tensor act = kept(torch.randn(75, 64, 28, 28));
        Tensor grad = kept(torch.randn(75, 64, 28, 28));
        Tensor out = kept(torch.empty(75, 64, 28, 28));
        Tensor block2 = kept(torch.randn(75, 64, 14, 14));
        Tensor weight = kept(torch.randn(64, 64, 3, 3));
        Tensor gamma = kept(torch.ones(64));
        Tensor beta = kept(torch.zeros(64));
        Tensor images = kept(torch.randn(75, 784));
        Tensor w1 = kept(torch.randn(784, 256));
        long[] two = {2, 2};
        long[] zero = {0, 0};
        long[] one = {1, 1};
        Map<String, Supplier<Tensor>> kernels = new LinkedHashMap<>();
        kernels.put("conv2d 64->64 3x3 [75,64,14,14]", () -> torch.conv2d(block2, weight, new TensorOptional(), one, one, one, 1));
        kernels.put("max_pool2d_with_indices 2x2 [75,64,28,28]", () -> torch.max_pool2d_with_indices(act, two, two, zero, one, false).get0());
        // model/MaxPool: positions from the channels-last kernel, values gathered from the map
        kernels.put("max-pool via channels-last positions + gather [75,64,28,28]", () -> MaxPool.apply(act, two, two, false));
        kernels.put("batch_norm train [75,64,28,28]", () -> torch.batch_norm(act, new TensorOptional(gamma), new TensorOptional(beta),
                new TensorOptional(), new TensorOptional(), true, 0.1, 1e-5, false));
        kernels.put("relu [75,64,28,28]", () -> torch.relu(act));
        kernels.put("threshold_backward [75,64,28,28]", () -> torch.threshold_backward(grad, act, new Scalar(0.0)));
        kernels.put("mul [75,64,28,28]", () -> act.mul(grad));
        kernels.put("add alpha [75,64,28,28]", () -> act.add(grad, new Scalar(-0.01)));
        kernels.put("fill_ [75,64,28,28]", () -> out.fill_(new Scalar(0.0)));
        kernels.put("mm [75,784]x[784,256]", () -> images.mm(w1));
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"side\": \"java\", \"torch\": \"%s\", \"threads\": %d, \"blas\": \"%s\", \"kernels\": {",
                TorchRuntime.libtorchVersion(), threads, TorchRuntime.blasLibrary().replace("\"", "'")));
        boolean first = true;
        for (Map.Entry<String, Supplier<Tensor>> k : kernels.entrySet()) {
            double[] times = new double[repeats];
            for (int r = -5; r < repeats; r++) {
                try (PointerScope scope = new PointerScope()) {
                    long t0 = System.nanoTime();
                    k.getValue().get();
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        times[r] = (t1 - t0) / 1e9;
                    }
                }
            }
            Arrays.sort(times);
            json.append(first ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.9f", k.getKey(), times[0]));
            first = false;
        }
        System.out.println(json.append("}}"));
    }

    private static Tensor kept(Tensor t) {
        t.retainReference();
        return t;
    }
}

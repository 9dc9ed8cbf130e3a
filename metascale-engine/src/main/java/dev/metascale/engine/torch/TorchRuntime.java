package dev.metascale.engine.torch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.global.torch;

/**
 * Process-wide libtorch settings, applied once per worker as ENGINE-NOTES.md measured them:
 * OpenBLAS at one thread (its own pool fights libtorch's: a MAML step went 33 ms to 1.2 s),
 * libtorch intra-op threads set explicitly, inter-op threads at one.
 */
public final class TorchRuntime {
    private static volatile boolean configured;
    private static int threads;

    private TorchRuntime() {
    }

    /** Sets the thread counts; a second call only changes the intra-op count. */
    public static synchronized void configure(int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + intraOpThreads);
        }
        Loader.load(openblas.class);
        openblas.blas_set_num_threads(1);
        if (!configured) {
            torch.set_num_interop_threads(1);
            configured = true;
        }
        torch.set_num_threads(intraOpThreads);
        threads = intraOpThreads;
    }

    public static int threads() {
        return threads;
    }

    /** Adds the engine's fields to an {@code env} record: libtorch and JavaCPP versions, thread settings. */
    public static void describe(ObjectNode env) {
        env.put("libtorch_version", libtorchVersion());
        env.put("javacpp_version", version("org.bytedeco", "javacpp"));
        env.put("torch_threads", torch.get_num_threads());
        env.put("torch_interop_threads", torch.get_num_interop_threads());
        env.put("openblas_threads", openblas.blas_get_num_threads());
        env.put("blas", blasLibrary());
        env.put("cuda_available", torch.cuda_is_available());
        env.put("max_physical_bytes", System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes", "default"));
    }

    /**
     * The BLAS that serves libtorch's matrix products: a preloaded library (the workers preload Debian's
     * OpenMP OpenBLAS when it is installed) or the OpenBLAS bundled with the JavaCPP presets.
     */
    public static String blasLibrary() {
        String preload = System.getenv("LD_PRELOAD");
        if (preload != null) {
            for (String lib : preload.split("[: ]")) {
                if (lib.contains("blas")) {
                    return lib;
                }
            }
        }
        return "bundled OpenBLAS (org.bytedeco:openblas " + version("org.bytedeco", "openblas") + ")";
    }

    private static String version(String group, String artifact) {
        try {
            return Loader.getVersion(group, artifact);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The libtorch version of the presets, e.g. {@code 2.10.0}. */
    public static String libtorchVersion() {
        String presets = version("org.bytedeco", "pytorch");
        if (presets == null) {
            return "unknown";
        }
        int dash = presets.indexOf('-');
        return dash > 0 ? presets.substring(0, dash) : presets;
    }
}

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
    /** Why oneDNN's convolutions were switched off in this process; null while they are on. */
    private static volatile String mkldnnOff;
    /** oneDNN blocks convolution channels by the AVX-512 vector width. */
    static final int MKLDNN_CHANNEL_BLOCK = 16;

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

    /**
     * Switches libtorch's oneDNN (mkldnn) convolutions off for this process when a model convolves a channel count
     * that is not a multiple of {@value #MKLDNN_CHANNEL_BLOCK} (a single input channel excepted); libtorch's native
     * convolution then serves every convolution. Measured on an AMD EPYC with AVX-512 (libtorch 2.10.0 CPU): for 4,
     * 8, 12, 24 and 40 channels oneDNN's convolution backward returned NaN in some calls (depending on what memory
     * it was given) and different gradients in the others, while 16, 32, 48 and 64 channels agreed with the native
     * kernel; Conv-4 with 8 channels diverged at its first ProtoNet step. The switch is one-way: a worker runs one
     * trial. {@link #describe} records it.
     *
     * @param model    the model's name, for the record
     * @param channels every input and output channel count of its convolutions
     */
    public static synchronized void requireExactConvolutions(String model, int... channels) {
        if (mkldnnOff != null) {
            return;
        }
        for (int c : channels) {
            if (c > 1 && c % MKLDNN_CHANNEL_BLOCK != 0) {
                torch.globalContext().setUserEnabledMkldnn(false);
                mkldnnOff = model + " convolves " + c + " channels (not a multiple of " + MKLDNN_CHANNEL_BLOCK + "), for which"
                        + " oneDNN's convolution backward gave NaN and wrong gradients: libtorch's native convolution is used";
                return;
            }
        }
    }

    /** Whether libtorch may use oneDNN (mkldnn) kernels now. */
    public static boolean mkldnnEnabled() {
        return torch.globalContext().userEnabledMkldnn();
    }

    /** Adds the engine's fields to an {@code env} record: libtorch and JavaCPP versions, thread settings. */
    public static void describe(ObjectNode env) {
        env.put("libtorch_version", libtorchVersion());
        env.put("javacpp_version", presetVersion("org.bytedeco", "javacpp"));
        env.put("torch_threads", torch.get_num_threads());
        env.put("torch_interop_threads", torch.get_num_interop_threads());
        env.put("openblas_threads", openblas.blas_get_num_threads());
        env.put("blas", blasLibrary());
        env.put("mkldnn", mkldnnEnabled() ? "enabled" : "disabled: " + (mkldnnOff == null ? "by the caller" : mkldnnOff));
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
        return "bundled OpenBLAS (org.bytedeco:openblas " + presetVersion("org.bytedeco", "openblas") + ")";
    }

    /** The version of a JavaCPP preset on the class path (e.g. {@code org.bytedeco:cuda}); null when it is not there. */
    public static String presetVersion(String group, String artifact) {
        try {
            return Loader.getVersion(group, artifact);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The libtorch version of the presets, e.g. {@code 2.10.0}. */
    public static String libtorchVersion() {
        String presets = presetVersion("org.bytedeco", "pytorch");
        if (presets == null) {
            return "unknown";
        }
        int dash = presets.indexOf('-');
        return dash > 0 ? presets.substring(0, dash) : presets;
    }
}

package dev.metascale.engine.technique;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.bytedeco.pytorch.global.torch;

/**
 * The numeric precision of a trial: {@code fp32} throughout, or {@code bf16} / {@code fp16} autocast.
 *
 * <p>bf16 uses libtorch's autocast (the mechanism behind {@code torch.autocast}): parameters and
 * the optimiser stay in float32; inside the region, ops on autocast's lower-precision list
 * (convolutions, matrix products, linear) run in bfloat16, ops on its fp32 list (losses, softmax,
 * norms, reductions) run in float32, and the rest follow their inputs. Gradients flow back through
 * the casts in the dtype of each op, so the second-order passes of MAML run at the same policy.
 * The autocast cast cache is disabled: the region spans the whole trial, and a cached bf16 copy of
 * a weight would outlive the optimiser step that changed the weight (torch.autocast clears it
 * at every region exit).
 *
 * <p>{@code fp16} is the same autocast policy in float16, whose 5-bit exponent flushes small gradients to zero and
 * overflows above 65504: it installs a dynamic {@link LossScaler} on the thread for the region, through which the
 * learners form their outer and inner-loop gradients. libtorch's CPU autocast takes float16, so the scaler runs and is
 * tested on this CPU build too (CPU float16 kernels are slow on CPUs without AVX-512 FP16: it is there for fidelity,
 * not speed).
 *
 * <p>Autocast state is per thread: enter the region on the thread that trains and evaluates.
 */
public final class Precision implements AutoCloseable {
    private final String name;
    /** The device type whose autocast the region sets: the trial's ({@code TrialDevice}), CUDA on a GPU. */
    private final torch.DeviceType type;
    private final boolean wasEnabled;
    private final torch.ScalarType previousDtype;
    private final boolean previousCache;
    private final LossScaler scaler;
    private LossScaler.Installed scalerHandle;

    private Precision(String name) {
        this(name, "fp16".equals(name) ? LossScaler.dynamic() : LossScaler.IDENTITY);
    }

    private Precision(String name, LossScaler scaler) {
        this.name = name;
        this.scaler = scaler;
        this.type = dev.metascale.engine.torch.TrialDevice.current().autocastType();
        this.wasEnabled = torch.is_autocast_enabled(type);
        this.previousDtype = torch.get_autocast_dtype(type);
        this.previousCache = torch.is_autocast_cache_enabled();
    }

    /** Enters the precision policy {@code name} on this thread until {@link #close()}. */
    public static Precision enter(String name) {
        return enter(name, "fp16".equals(name) ? LossScaler.dynamic() : LossScaler.IDENTITY);
    }

    /** As {@link #enter(String)}, fp16 with the given loss scaler (a test's small growth interval or planted scale). */
    public static Precision enter(String name, LossScaler scaler) {
        Precision p = new Precision(name, scaler);
        switch (name) {
            case "fp32" -> {
            }
            case "bf16" -> {
                torch.set_autocast_cache_enabled(false);
                torch.set_autocast_dtype(p.type, torch.ScalarType.BFloat16);
                torch.set_autocast_enabled(p.type, true);
            }
            case "fp16" -> {
                torch.set_autocast_cache_enabled(false);
                torch.set_autocast_dtype(p.type, torch.ScalarType.Half);
                torch.set_autocast_enabled(p.type, true);
                p.scalerHandle = LossScaler.install(scaler);
            }
            default -> throw new IllegalArgumentException("unknown precision '" + name + "'; use fp32, bf16 or fp16");
        }
        return p;
    }

    /**
     * Float32 on this thread until {@link #close()}, whatever policy is in force (autocast off): for exact references
     * computed inside a lower-precision trial.
     */
    public static Precision exactFloat32() {
        Precision p = new Precision("fp32");
        torch.set_autocast_enabled(p.type, false);
        p.scalerHandle = LossScaler.install(LossScaler.IDENTITY);
        return p;
    }

    /** The dtype the policy's matrix products run in: bfloat16 or float16 under autocast, else float32. */
    public static torch.ScalarType computeDtype(String name) {
        return switch (name) {
            case "bf16" -> torch.ScalarType.BFloat16;
            case "fp16" -> torch.ScalarType.Half;
            default -> torch.ScalarType.Float;
        };
    }

    /** The loss scaler of the region: dynamic under fp16, the identity otherwise. */
    public LossScaler scaler() {
        return scaler;
    }

    /** What the record says about the policy. */
    public ObjectNode describe() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("precision", name);
        out.put("parameters_dtype", "float32");
        if (!"fp32".equals(name)) {
            out.put("autocast", type == torch.DeviceType.CUDA ? "cuda" : "cpu");
            out.put("autocast_dtype", "bf16".equals(name) ? "bfloat16" : "float16");
            out.put("lower_precision_ops", "autocast CPU lower_precision_fp list: conv*, matmul/mm/bmm/addmm/baddbmm, linear, ...");
            out.put("fp32_ops", "autocast CPU fp32 list: losses (cross_entropy, nll), softmax/log_softmax, norms, reductions, ...");
            out.put("autocast_cache", false);
        }
        if (scaler.active()) {
            out.set("loss_scaling", scaler.describe());
        }
        return out;
    }

    @Override
    public void close() {
        if (scalerHandle != null) {
            scalerHandle.close();
        }
        torch.set_autocast_enabled(type, wasEnabled);
        torch.set_autocast_dtype(type, previousDtype);
        torch.set_autocast_cache_enabled(previousCache);
    }
}

package dev.metascale.engine.technique;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.bytedeco.pytorch.global.torch;

/**
 * The numeric precision of a trial: {@code fp32} throughout, or {@code bf16} autocast.
 *
 * <p>bf16 uses libtorch's autocast (the mechanism behind {@code torch.autocast}): parameters and
 * the optimiser stay in float32; inside the region, ops on autocast's lower-precision list
 * (convolutions, matrix products, linear) run in bfloat16, ops on its fp32 list (losses, softmax,
 * norms, reductions) run in float32, and the rest follow their inputs. Gradients flow back through
 * the casts in the dtype of each op, so the second-order passes of MAML run at the same policy.
 * The autocast cast cache is disabled: the region spans the whole trial, and a cached bf16 copy of
 * a weight would outlive the optimiser step that changed the weight (torch.autocast clears it
 * at every region exit). {@code fp16} with dynamic loss scaling needs CUDA and is rejected at
 * validation on this build.
 *
 * <p>Autocast state is per thread: enter the region on the thread that trains and evaluates.
 */
public final class Precision implements AutoCloseable {
    private final String name;
    private final boolean wasEnabled;
    private final torch.ScalarType previousDtype;
    private final boolean previousCache;

    private Precision(String name) {
        this.name = name;
        this.wasEnabled = torch.is_autocast_enabled(torch.DeviceType.CPU);
        this.previousDtype = torch.get_autocast_dtype(torch.DeviceType.CPU);
        this.previousCache = torch.is_autocast_cache_enabled();
    }

    /** Enters the precision policy {@code name} on this thread until {@link #close()}. */
    public static Precision enter(String name) {
        Precision p = new Precision(name);
        switch (name) {
            case "fp32" -> {
            }
            case "bf16" -> {
                torch.set_autocast_cache_enabled(false);
                torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
                torch.set_autocast_enabled(torch.DeviceType.CPU, true);
            }
            case "fp16" -> throw new IllegalArgumentException("fp16 with dynamic loss scaling needs CUDA, which this build"
                    + " does not have; use precision: fp32 or bf16");
            default -> throw new IllegalArgumentException("unknown precision '" + name + "'; use fp32 or bf16");
        }
        return p;
    }

    /**
     * Float32 on this thread until {@link #close()}, whatever policy is in force (autocast off): for exact references
     * computed inside a lower-precision trial.
     */
    public static Precision exactFloat32() {
        Precision p = new Precision("fp32");
        torch.set_autocast_enabled(torch.DeviceType.CPU, false);
        return p;
    }

    /** The dtype the policy's matrix products run in: bfloat16 under bf16's autocast, else float32. */
    public static torch.ScalarType computeDtype(String name) {
        return "bf16".equals(name) ? torch.ScalarType.BFloat16 : torch.ScalarType.Float;
    }

    /** What the record says about the policy. */
    public ObjectNode describe() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("precision", name);
        out.put("parameters_dtype", "float32");
        if ("bf16".equals(name)) {
            out.put("autocast", "cpu");
            out.put("autocast_dtype", "bfloat16");
            out.put("lower_precision_ops", "autocast CPU lower_precision_fp list: conv*, matmul/mm/bmm/addmm/baddbmm, linear, ...");
            out.put("fp32_ops", "autocast CPU fp32 list: losses (cross_entropy, nll), softmax/log_softmax, norms, reductions, ...");
            out.put("autocast_cache", false);
        }
        return out;
    }

    @Override
    public void close() {
        torch.set_autocast_enabled(torch.DeviceType.CPU, wasEnabled);
        torch.set_autocast_dtype(torch.DeviceType.CPU, previousDtype);
        torch.set_autocast_cache_enabled(previousCache);
    }
}

package dev.metascale.engine.technique;

import dev.metascale.engine.torch.TrialDevice;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Offload of activation-checkpointing's saved segment inputs to host memory ({@code techniques.offload}; the idea of
 * {@code torch.autograd.graph.save_on_cpu} and of ZeRO-Offload's activation offload, Ren et al., "ZeRO-Offload:
 * Democratizing Billion-Scale Model Training", 2021, sec. 4): the forward pass of {@link SegmentRecompute} keeps, of
 * each segment j ≥ 2, only its input a_{j-1}; with offload that input leaves the device as soon as the next segment
 * has read it, and comes back just before its segment is recomputed. The device then holds one segment's
 * activations and the inputs x, at the price of two copies per saved input over the host link:
 * <pre>  device bytes ≈ max_j |act(f_j)| + |x|,   host bytes = Σ_{inputs} Σ_{j≥2} |a_{j-1}|.</pre>
 * The host copies are page-locked on CUDA (the copies over PCIe/NVLink-C2C run at the link's rate) and the host bytes
 * they hold are counted ({@link #peakHostBytes}): they are part of the trial's memory footprint, in the host's RAM.
 *
 * <p>The copies are blocking: the recompute of a segment needs its input on the device at once, and a blocking copy
 * keeps the freeing of the device tensor ordered after it without a CUDA event. One instance serves one trial, on the
 * worker's thread.
 */
public final class CheckpointOffload {
    private final boolean pinned;
    private long heldBytes;
    private long peakHostBytes;
    private long copies;

    /** An offload from the trial's device ({@link TrialDevice#current()}) to host memory, page-locked on CUDA. */
    public CheckpointOffload() {
        this(TrialDevice.current().isCuda());
    }

    CheckpointOffload(boolean pinned) {
        this.pinned = pinned;
    }

    /** A host copy of the device tensor {@code a} (the caller releases {@code a}); its bytes are counted as held. */
    Tensor toHost(Tensor a) {
        TensorOptions options = new TensorOptions(a.scalar_type()).device(new DeviceOptional(new Device("cpu")));
        if (pinned) {
            options = options.pinned_memory(new org.bytedeco.pytorch.BoolOptional(true));
        }
        Tensor host = torch.zeros(a.sizes().vec().get(), options); // host-only: the offload's destination is the host
        host.copy_(a);
        long bytes = host.numel() * host.element_size();
        heldBytes += bytes;
        peakHostBytes = Math.max(peakHostBytes, heldBytes);
        copies++;
        return host;
    }

    /** {@code host} back on the trial's device, and its host copy released ({@code host} must not be used after). */
    Tensor toDevice(Tensor host) {
        Tensor back = TrialDevice.current().isCuda() ? host.to(TrialDevice.current().device(), host.scalar_type())
                : host.clone();
        heldBytes -= host.numel() * host.element_size();
        copies++;
        return back;
    }

    /** The most host bytes offloaded inputs held at once (over every step since the trial began). */
    public long peakHostBytes() {
        return peakHostBytes;
    }

    /** Host bytes held now: 0 between steps (every offloaded input came back). */
    public long heldBytes() {
        return heldBytes;
    }

    /** Copies made, each way counted. */
    public long copies() {
        return copies;
    }

    /** Whether the host copies are page-locked (CUDA). */
    public boolean pinned() {
        return pinned;
    }
}

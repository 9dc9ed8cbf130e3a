package dev.metascale.engine.torch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device a trial computes on ({@code techniques.device}): {@code cpu}, {@code cuda} (the GPU of the worker's
 * local rank: one GPU per rank) or {@code cuda:N}; {@code meta} (shapes without data) serves the test that checks that
 * every engine tensor is created on the trial's device. One device per worker process, as its thread counts
 * ({@link TorchRuntime}): {@link #use} sets it, and every tensor factory of the engine takes its options from
 * {@link #options} (or copies a tensor that already lives there: {@code *_like}, {@code Tensor#options()}).
 *
 * <p>On a CUDA device the timers synchronise it ({@link #synchronize}) so that the kernels a step launched are inside
 * the step's time, and the caching allocator's peak is the trial's {@code peak_device_bytes} ({@link #peakBytes}).
 */
public final class TrialDevice {
    private static final Pattern NAME = Pattern.compile("cpu|meta|cuda(?::(\\d+))?");
    /** The device of this process's trial: the CPU until a trial says otherwise. */
    private static volatile TrialDevice current = new TrialDevice("cpu", "cpu", -1);

    private final String requested;
    private final String name;
    private final int cudaIndex;

    private TrialDevice(String requested, String name, int cudaIndex) {
        this.requested = requested;
        this.name = name;
        this.cudaIndex = cudaIndex;
    }

    /**
     * The device {@code requested} names for the rank {@code localRank} ({@code cuda}: GPU rank mod the GPUs visible, that
     * rank's own GPU on its node).
     *
     * @throws IllegalArgumentException for an unknown name, or CUDA on a build or host without it (naming the fix)
     */
    public static TrialDevice resolve(String requested, int localRank) {
        Matcher m = NAME.matcher(requested == null ? "cpu" : requested);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown device '" + requested + "'; use cpu, cuda (the GPU of each local rank)"
                    + " or cuda:N");
        }
        if (!requested.startsWith("cuda")) {
            return new TrialDevice(requested, requested, -1);
        }
        if (!torch.cuda_is_available()) {
            throw new IllegalArgumentException("device " + requested + " needs CUDA, which this process does not have: the"
                    + " default build carries libtorch's CPU natives (build with `mvn -B -Pcuda -DskipTests package`) and a"
                    + " GPU must be visible (nvidia-smi; CUDA_VISIBLE_DEVICES); or use device: cpu");
        }
        int count = torch.cuda_device_count();
        // cuda: the rank's GPU of its node — ranks are laid out node by node, each node with the same GPUs
        int index = m.group(1) != null ? Integer.parseInt(m.group(1)) : Math.max(0, localRank) % count;
        if (index >= count) {
            throw new IllegalArgumentException("device cuda:" + index + " does not exist: " + count + " GPU(s) visible (one GPU"
                    + " per local rank: world_size per node must not exceed the GPUs); use cuda:0.." + (count - 1));
        }
        return new TrialDevice(requested, "cuda:" + index, index);
    }

    /** Makes {@code device} the process's until the next call (a trial sets it first, and puts the CPU back after). */
    public static void use(TrialDevice device) {
        current = device;
    }

    /** The CPU. */
    public static TrialDevice cpu() {
        return new TrialDevice("cpu", "cpu", -1);
    }

    public static TrialDevice current() {
        return current;
    }

    /** libtorch's name: {@code cpu}, {@code cuda:0}, {@code meta}. */
    public String name() {
        return name;
    }

    public boolean isCuda() {
        return cudaIndex >= 0;
    }

    /** The device type autocast is set on: CUDA on a GPU, else the CPU. */
    public torch.DeviceType autocastType() {
        return isCuda() ? torch.DeviceType.CUDA : torch.DeviceType.CPU;
    }

    public Device device() {
        return new Device(name);
    }

    /** Options for a new tensor of {@code dtype} on the device of this process's trial. */
    public static TensorOptions options(torch.ScalarType dtype) {
        TensorOptions options = new TensorOptions(dtype);
        TrialDevice d = current;
        return "cpu".equals(d.name) ? options : options.device(new DeviceOptional(d.device()));
    }

    /** {@code t} on the trial's device: itself when it is there, else a copy. */
    public static Tensor place(Tensor t) {
        TrialDevice d = current;
        return "cpu".equals(d.name) ? t : t.to(d.device(), t.scalar_type());
    }

    /** Waits for every kernel launched on the device (CUDA runs them asynchronously); nothing to wait for on the CPU. */
    public void synchronize() {
        if (isCuda()) {
            torch.synchronizeDevice((byte) cudaIndex);
        }
    }

    /** Starts a new peak of the caching allocator (per phase); nothing on the CPU. */
    public void resetPeak() {
        if (isCuda()) {
            torch.resetPeakStats((byte) cudaIndex);
        }
    }

    /** The caching allocator's peak of allocated bytes since {@link #resetPeak}; empty off CUDA. */
    public OptionalLong peakBytes() {
        if (!isCuda()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(torch.getDeviceStats((byte) cudaIndex).allocated_bytes().peak());
    }

    /** Why there is no device peak: null on CUDA. */
    public String peakAbsentReason() {
        return isCuda() ? null : "the trial computes on " + name + ": no device allocator (peak_rss_bytes and peak_tensor_bytes"
                + " measure host memory)";
    }

    /** What the record says ({@code env.device}). */
    public ObjectNode describe() {
        ObjectNode out = dev.metascale.core.json.Json.MAPPER.createObjectNode();
        out.put("requested", requested);
        out.put("device", name);
        out.put("cuda_available", torch.cuda_is_available());
        if (isCuda()) {
            out.put("cuda_device_count", torch.cuda_device_count());
            out.put("cuda_presets", TorchRuntime.presetVersion("org.bytedeco", "cuda"));
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}

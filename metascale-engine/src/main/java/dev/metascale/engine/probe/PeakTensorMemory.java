package dev.metascale.engine.probe;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The absolute peak of live tensor bytes over the profiled meta-iterations, with its parts. The profiler's memory
 * events count only what is allocated (and freed) inside its window, so its running sum starts at zero; the
 * tensors already alive when the window opens are added here, each measured from the live tensors:
 * <ul>
 *   <li>{@code parameters}: the meta-parameters' storage;</li>
 *   <li>{@code optimizer_state}: the outer optimiser's state if it has stepped before the window (Adam's two
 *       moments per parameter); otherwise the window sees it allocated;</li>
 *   <li>{@code gradients}: the meta-gradients (parameter-shaped). In one process they are released at the start
 *       of each step and allocated again by its backward, inside the window: part of its peak, split off here
 *       (they live from the first task's backward to the optimiser step, so they are alive at the step's peak). A
 *       data-parallel trial keeps them as views of a persistent bucket, alive before the window;</li>
 *   <li>{@code activations}: the rest of the window's peak: the autograd graphs' saved tensors, the episode
 *       tensors and the step's temporaries.</li>
 * </ul>
 */
@JsonPropertyOrder({"parameters", "gradients", "optimizer_state", "activations"})
public record PeakTensorMemory(long parameters, long gradients, @JsonProperty("optimizer_state") long optimizerState, long activations) {

    /**
     * What is alive when the window opens.
     *
     * @param parameters          bytes of the meta-parameters
     * @param optimizerState      bytes of outer-optimiser state already allocated
     * @param gradientsPersistent whether the meta-gradients stay allocated between steps (data-parallel bucket)
     */
    public record Resident(long parameters, long optimizerState, boolean gradientsPersistent) {
    }

    /** The absolute peak from the window's relative peak and what was resident when it opened. */
    public static PeakTensorMemory of(long windowPeakBytes, Resident resident) {
        long gradients = resident.parameters();
        long inWindow = resident.gradientsPersistent() ? windowPeakBytes : Math.max(0, windowPeakBytes - gradients);
        return new PeakTensorMemory(resident.parameters(), gradients, resident.optimizerState(), inWindow);
    }

    /** The peak: every part alive at once. */
    public long total() {
        return parameters + gradients + optimizerState + activations;
    }
}

package dev.metascale.report;

/**
 * A trial recorded with status {@code failed}.
 *
 * @param trialId      its {@code trial_id}
 * @param label        the unique label of its configuration
 * @param seed         its seed
 * @param kind         {@code error.kind}: crash, oom, timeout or invalid ({@code unknown} when the record has none)
 * @param message      {@code error.message} (empty when the record has none)
 * @param laterOk      true when the same trial was re-run (e.g. {@code --resume}) and has an ok record
 */
public record FailedTrial(String trialId, String label, long seed, String kind, String message, boolean laterOk) {
}

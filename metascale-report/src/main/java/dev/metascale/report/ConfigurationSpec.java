package dev.metascale.report;

import dev.metascale.core.spec.TrialSpec;

import java.util.List;

/**
 * The hyperparameters of one configuration as run, ok or failed.
 *
 * @param configId its {@code config_id}
 * @param label    its unique label
 * @param spec     the spec of its first record
 * @param seeds    every seed recorded for it, ascending
 */
public record ConfigurationSpec(String configId, String label, TrialSpec spec, List<Long> seeds) {
    public ConfigurationSpec {
        seeds = List.copyOf(seeds);
    }
}

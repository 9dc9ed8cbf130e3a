package dev.metascale.core.stats;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A task score over test episodes (or over seeds): mean, sample standard deviation, half-width of
 * the 95 % Student-t confidence interval of the mean, and the sample count.
 */
@JsonPropertyOrder({"mean", "std", "ci95", "n"})
public record Summary(double mean, double std, double ci95, int n) {
}

package dev.metascale.core.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A task score over test episodes (or over seeds): mean, sample standard deviation, half-width of
 * the 95 % Student-t confidence interval of the mean, and the sample count. {@code std} and {@code ci95}
 * are null below two samples and then absent from the record: one sample has no measured spread.
 */
@JsonPropertyOrder({"mean", "std", "ci95", "n"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Summary(double mean, Double std, Double ci95, int n) {
}

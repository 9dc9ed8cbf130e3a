package dev.metascale.core.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A measured quantity over repeated samples (e.g. per-iteration time); {@code std} is null (absent) below two samples. */
@JsonPropertyOrder({"median", "mean", "std", "p95", "n"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Distribution(double median, double mean, Double std, double p95, int n) {
}

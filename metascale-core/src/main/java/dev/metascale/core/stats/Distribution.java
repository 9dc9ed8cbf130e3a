package dev.metascale.core.stats;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A measured quantity over repeated samples (e.g. per-iteration time). */
@JsonPropertyOrder({"median", "mean", "std", "p95", "n"})
public record Distribution(double median, double mean, double std, double p95, int n) {
}

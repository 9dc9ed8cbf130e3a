package dev.metascale.core.result;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Why a trial failed. {@code kind} is one of {@code crash} (the worker threw or exited),
 * {@code oom} (out of memory, Java heap or native), {@code timeout} (passed its limit and was
 * killed) or {@code invalid} (the configuration cannot run); {@code stderrTail} holds the last
 * lines the worker printed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ErrorInfo(String kind, String message, String stderrTail) {
    public static final String CRASH = "crash";
    public static final String OOM = "oom";
    public static final String TIMEOUT = "timeout";
    public static final String INVALID = "invalid";
}

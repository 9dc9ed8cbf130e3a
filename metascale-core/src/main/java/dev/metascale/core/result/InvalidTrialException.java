package dev.metascale.core.result;

/**
 * A trial that cannot run as configured on this machine (it cannot fit in memory, its data is missing): the worker
 * records it as {@code error.kind: invalid} with this message, which says why and what to change.
 */
public class InvalidTrialException extends IllegalArgumentException {
    public InvalidTrialException(String message) {
        super(message);
    }

    public InvalidTrialException(String message, Throwable cause) {
        super(message, cause);
    }
}

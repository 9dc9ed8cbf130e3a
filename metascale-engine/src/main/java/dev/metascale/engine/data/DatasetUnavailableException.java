package dev.metascale.engine.data;

/** A data set cannot be opened because files it needs are missing; the message says how to install them. */
public final class DatasetUnavailableException extends RuntimeException {
    public DatasetUnavailableException(String message) {
        super(message);
    }

    public DatasetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

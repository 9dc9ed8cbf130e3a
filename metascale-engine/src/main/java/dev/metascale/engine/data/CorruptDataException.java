package dev.metascale.engine.data;

import java.nio.file.Path;

/** A data file exists but cannot be used (corrupt, truncated, wrong format); the message names the file and the fix. */
public final class CorruptDataException extends RuntimeException {
    private final Path file;

    public CorruptDataException(Path file, String problem, String fix) {
        this(file, problem, fix, null);
    }

    public CorruptDataException(Path file, String problem, String fix, Throwable cause) {
        super(file + ": " + problem + "; " + fix, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}

package dev.metascale.core.spec;

/** One problem in a suite file, located at {@code line}:{@code column} (1-based) of {@code file}. */
public record SpecError(String file, int line, int column, String key, String reason) {
    /** {@code FILE:LINE:COLUMN: KEY: reason}, the format editors and CI logs understand. */
    public String format() {
        return file + ":" + line + ":" + column + ": " + key + ": " + reason;
    }
}

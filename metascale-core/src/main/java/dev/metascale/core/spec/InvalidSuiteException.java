package dev.metascale.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A suite file that cannot run; {@link #errors()} says where and why, one line each. */
public final class InvalidSuiteException extends Exception {
    private final List<SpecError> errors;

    public InvalidSuiteException(List<SpecError> errors) {
        super(errors.stream().map(SpecError::format).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<SpecError> errors() {
        return errors;
    }
}

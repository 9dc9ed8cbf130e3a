package dev.metascale.core.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The problems found in one suite file so far; identical reports are kept once. */
final class Problems {
    private final String file;
    private final Set<SpecError> errors = new LinkedHashSet<>();

    Problems(String file) {
        this.file = file;
    }

    void add(YamlNode.Position at, String key, String reason) {
        errors.add(new SpecError(file, at.line(), at.column(), key, reason));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws when any problem was found, listing them in file order. */
    void throwIfAny() throws InvalidSuiteException {
        if (!errors.isEmpty()) {
            List<SpecError> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparingInt(SpecError::line).thenComparingInt(SpecError::column));
            throw new InvalidSuiteException(sorted);
        }
    }
}

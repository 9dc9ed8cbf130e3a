package dev.metascale.core.spec;

import dev.metascale.core.tune.TuneSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated suite: its name, the file it came from, its trials (grid × seeds), in order, and its tuning search
 * (null when it has no {@code tune:} block; its trials then run at the settings written).
 */
public record Suite(String name, Path file, List<TrialSpec> trials, TuneSpec tune) {
    public Suite {
        trials = List.copyOf(trials);
    }

    /** A suite without a tuning search. */
    public Suite(String name, Path file, List<TrialSpec> trials) {
        this(name, file, trials, null);
    }

    public Optional<TuneSpec> tuning() {
        return Optional.ofNullable(tune);
    }

    /** The same suite over another selection of its trials (`--only`). */
    public Suite withTrials(List<TrialSpec> selected) {
        return new Suite(name, file, selected, tune);
    }
}

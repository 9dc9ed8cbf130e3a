package dev.metascale.core.spec;

import java.nio.file.Path;
import java.util.List;

/** A validated suite: its name, the file it came from and its trials (grid × seeds), in order. */
public record Suite(String name, Path file, List<TrialSpec> trials) {
    public Suite {
        trials = List.copyOf(trials);
    }
}

package dev.metascale.cli;

import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.TrialExecutor;
import dev.metascale.engine.data.CorruptDataException;
import dev.metascale.engine.data.DatasetUnavailableException;
import dev.metascale.engine.data.Datasets;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Opens, once, every data set a suite's trials read, before any worker starts: a data set that is not installed, a
 * folder or table that is not set or not there, or a damaged file is a validation error (exit 2, with the fix)
 * instead of a crash found inside each worker after its start-up.
 */
final class DataCheck {
    private DataCheck() {
    }

    /** Prints each problem as {@code SUITE: dataset NAME: why}; true when every data set opened. */
    static boolean allOpen(Suite suite, String suiteName, PrintWriter err) {
        Set<String> names = new LinkedHashSet<>();
        for (TrialSpec t : suite.trials()) {
            names.add(t.dataset());
            if (t.eval().dataset() != null) {
                names.add(t.eval().dataset());
            }
        }
        boolean ok = true;
        for (String name : names) {
            try {
                Datasets.open(name, TrialExecutor.SPLIT_SEED);
            } catch (DatasetUnavailableException | CorruptDataException e) {
                err.println(suiteName + ": dataset " + name + ": " + e.getMessage());
                ok = false;
            }
        }
        return ok;
    }
}

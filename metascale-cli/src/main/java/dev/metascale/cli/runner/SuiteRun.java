package dev.metascale.cli.runner;

import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.RunDirectoryLock;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.core.tune.TunePlan;
import dev.metascale.core.tune.TuneSelection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Runs a validated suite into a run directory: refuses to mix with existing results unless
 * resuming, skips trials already recorded ok, runs the others one worker at a time, appends every
 * record as soon as it exists, and writes the report at the end. A suite with a {@code tune:} block first runs its
 * search (every method's candidates on the validation episodes, {@link TunePlan}), then its trials at each method's
 * selected setting ({@link TuneSelection}, read from the records, so a resumed run selects the same). Ctrl-C kills the running worker,
 * keeps what is recorded and says how to resume.
 */
public final class SuiteRun {
    /** Exit codes of the commands. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_INVALID = 2;

    private final TrialRunner runner;
    private final ReportStep report;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final boolean quiet;
    private final Object recordLock = new Object();
    private volatile boolean interrupted;
    private int recorded;

    public SuiteRun(TrialRunner runner, ReportStep report, PrintStream out, PrintStream err, boolean interactive,
                    boolean quiet) {
        this.runner = runner;
        this.report = report;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.quiet = quiet;
    }

    /**
     * @param resumeCommand what the user types to continue this run, shown after Ctrl-C
     * @return {@link #EXIT_OK} when every trial is ok and the report was written, {@link #EXIT_FAILED}
     * when a trial failed or the report could not be written, {@link #EXIT_INVALID} when
     * {@code outDir} already holds results and {@code resume} is false
     */
    public int run(Suite suite, Path outDir, boolean resume, String resumeCommand) throws IOException, InterruptedException {
        ResultStore store = new ResultStore(outDir);
        if (store.exists() && !resume) {
            err.println(outDir + " already holds results: add --resume to continue it, or choose another --out");
            return EXIT_INVALID;
        }
        RunDirectoryLock lock;
        try {
            lock = RunDirectoryLock.acquire(outDir);
        } catch (RunDirectoryLock.BusyException e) {
            err.println(e.getMessage());
            return EXIT_INVALID;
        }
        try (lock) {
            return runLocked(suite, outDir, store, resume, resumeCommand);
        }
    }

    /** {@link #run} while this process holds the run directory's lock. */
    private int runLocked(Suite suite, Path outDir, ResultStore store, boolean resume, String resumeCommand)
            throws IOException, InterruptedException {
        Set<String> recordedOk = resume ? store.okTrialIds() : Set.of();
        boolean resuming = resume && store.exists();
        Files.createDirectories(outDir);
        copySuiteFile(suite, outDir);

        Thread hook = new Thread(() -> onInterrupt(store, resumeCommand), "metascale-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Phase search = Phase.NONE;
        Phase trials;
        List<String> unselected = new ArrayList<>();
        try {
            List<TrialSpec> toRun = suite.trials();
            if (suite.tuning().isPresent()) {
                TunePlan plan = TunePlan.of(suite.tune(), suite.trials());
                search = runPhase(store, plan.trials(), recordedOk, resuming, "search trial", "tuning search of suite " + suite.name(), outDir);
                if (interrupted) {
                    return EXIT_FAILED;
                }
                List<TuneSelection> selections = TuneSelection.of(plan, store.readAll());
                selections.forEach(sel -> out.println("tuned " + sel.describe()));
                List<TuneSelection> selected = new ArrayList<>();
                for (TuneSelection selection : selections) {
                    if (selection.setting().isPresent()) {
                        selected.add(selection);
                    } else {
                        unselected.add(selection.search().template().label());
                    }
                }
                Set<String> untuned = new java.util.HashSet<>();
                selections.stream().filter(sel -> sel.setting().isEmpty()).forEach(sel -> untuned.add(sel.search().configId()));
                toRun = TuneSelection.tunedTrials(selected, suite.trials().stream().filter(t -> !untuned.contains(t.configId())).toList());
            }
            trials = runPhase(store, toRun, recordedOk, resuming, "trial", "suite " + suite.name(), outDir);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook reports
            }
        }
        if (interrupted) {
            return EXIT_FAILED;
        }
        if (search != Phase.NONE) {
            out.println("search: " + summary(search, store.file()));
        }
        out.println(summary(trials, store.file()));
        for (String label : unselected) {
            err.println("not run: " + label + " (no search trial of it succeeded, so it has no selected setting; see the failed"
                    + " search records, fix the cause and run again with --resume)");
        }
        int exit = trials.failures().isEmpty() && search.failures().isEmpty() && unselected.isEmpty() ? EXIT_OK : EXIT_FAILED;
        try {
            Path index = report.write(outDir);
            out.println("report: " + index);
        } catch (Exception | LinkageError e) {
            err.println("report failed (" + e + "); the results are kept in " + store.file()
                    + "; fix the cause and write it with: metascale report " + outDir);
            exit = EXIT_FAILED;
        }
        return exit;
    }

    /** What one phase (the tuning search, or the suite's trials) ran. */
    private record Phase(int ran, int ok, List<TrialResult> failures, int skipped) {
        static final Phase NONE = new Phase(0, 0, List.of(), 0);
    }

    /** Runs the trials not yet recorded ok, one worker at a time, appending each record as soon as it exists. */
    private Phase runPhase(ResultStore store, List<TrialSpec> trials, Set<String> recordedOk, boolean resuming, String noun, String what,
                           Path outDir)
            throws IOException, InterruptedException {
        List<TrialSpec> pending = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int skipped = 0;
        for (TrialSpec spec : trials) {
            if (recordedOk.contains(spec.id())) {
                skipped++;
            } else if (seen.add(spec.id())) {
                pending.add(spec);
            }
        }
        if (resuming) {
            out.println("resuming " + outDir + " (" + what + "): skipped " + skipped + " " + noun + (skipped == 1 ? "" : "s")
                    + " already recorded ok, " + pending.size() + " to run");
        } else {
            out.println("running " + pending.size() + " " + noun + (pending.size() == 1 ? "" : "s") + " of " + what + " into " + outDir);
        }
        List<TrialResult> failures = new ArrayList<>();
        int ok = 0;
        int ran = 0;
        try (Progress progress = new Progress(err, pending.size(), interactive, quiet)) {
            for (TrialSpec spec : pending) {
                if (interrupted) {
                    break;
                }
                progress.started(spec);
                TrialResult result;
                try {
                    result = runner.run(spec);
                } catch (CancellationException e) {
                    break;
                }
                synchronized (recordLock) {
                    if (interrupted) {
                        break;
                    }
                    store.append(result);
                    recorded++;
                }
                ran++;
                progress.finished(result);
                if (result.isOk()) {
                    ok++;
                } else {
                    failures.add(result);
                }
            }
        }
        return new Phase(ran, ok, List.copyOf(failures), skipped);
    }

    private void onInterrupt(ResultStore store, String resumeCommand) {
        interrupted = true;
        runner.cancel();
        synchronized (recordLock) {
            int total;
            try {
                total = store.readAll().size();
            } catch (IOException e) {
                total = recorded;
            }
            err.println();
            err.println("interrupted: the running trial was stopped and not recorded; " + total + " trial"
                    + (total == 1 ? "" : "s") + " recorded in " + store.file() + " (" + recorded + " in this session)");
            err.println("continue with: " + resumeCommand);
            err.flush();
        }
    }

    private static String summary(Phase phase, Path file) {
        StringBuilder text = new StringBuilder()
                .append(phase.ran()).append(" trial").append(phase.ran() == 1 ? "" : "s").append(" run: ok ").append(phase.ok())
                .append(", failed ").append(phase.failures().size());
        if (phase.skipped() > 0) {
            text.append(" (").append(phase.skipped()).append(" skipped, recorded ok before)");
        }
        text.append(" -> ").append(file);
        for (TrialResult failure : phase.failures()) {
            text.append("\n  failed ").append(failure.trialId()).append(' ').append(failure.spec().label())
                    .append(": ").append(failure.error().kind()).append(": ").append(failure.error().message());
        }
        return text.toString();
    }

    private static void copySuiteFile(Suite suite, Path outDir) {
        if (suite.file() == null || !Files.isRegularFile(suite.file())) {
            return;
        }
        Path copy = outDir.resolve("suite.yaml");
        try {
            if (!Files.exists(copy)) {
                Files.copy(suite.file(), copy);
            }
        } catch (IOException e) {
            // a convenience copy only: the records hold every resolved spec
        }
    }
}

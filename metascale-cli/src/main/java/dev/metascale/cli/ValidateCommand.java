package dev.metascale.cli;

import dev.metascale.core.spec.Suite;
import dev.metascale.core.spec.TrialSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code validate SUITE}: checks a suite file and lists its trials. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks a suite file; prints FILE:LINE:COLUMN: KEY: reason for each problem (exit 2).")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SUITE", description = "suite YAML file")
    Path suiteFile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Suite suite = SuiteFiles.load(suiteFile, err);
        if (suite == null || !DataCheck.allOpen(suite, suiteFile.toString(), err)) {
            return Main.EXIT_INVALID;
        }
        out.println(suiteFile + ": ok, " + suite.trials().size() + " trial" + (suite.trials().size() == 1 ? "" : "s"));
        for (TrialSpec trial : suite.trials()) {
            out.println("  " + trial.id() + "  " + trial.label() + " seed " + trial.seed());
        }
        if (suite.tuning().isPresent()) {
            var plan = dev.metascale.core.tune.TunePlan.of(suite.tune(), suite.trials());
            out.println("tuning search first: " + plan.trials().size() + " search trials on validation episodes ("
                    + suite.tune().search() + ", the same candidates for every method; the trials above then run at each"
                    + " method's selected setting, so their ids change)");
            for (var search : plan.searches()) {
                out.println("  " + search.template().label() + ": " + search.candidates().size() + " candidates x "
                        + suite.tune().seeds().size() + " seed" + (suite.tune().seeds().size() == 1 ? "" : "s") + " over "
                        + String.join(", ", search.ranges().stream().map(dev.metascale.core.tune.SearchRange::describe).toList()));
            }
        }
        return Main.EXIT_OK;
    }
}

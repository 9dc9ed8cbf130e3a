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
        return Main.EXIT_OK;
    }
}

package dev.metascale.cli;

import dev.metascale.core.env.Environment;
import dev.metascale.core.spec.Suite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code demo}: the quick suite on built-in data, resumed when it was run before, then its report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs suites/quick.yaml (built-in data, a few minutes) into runs/demo, resuming an earlier "
                + "demo, and writes its report.")
public final class DemoCommand implements Callable<Integer> {
    static final String SUITE = "suites/quick.yaml";

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/demo under metascale.home)")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "libtorch threads per worker (default: all cores)")
    Integer threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path home = Environment.home();
        Path suiteFile = home.resolve(SUITE);
        Suite suite = SuiteFiles.load(suiteFile, spec.commandLine().getErr());
        if (suite == null) {
            return Main.EXIT_INVALID;
        }
        Path dir = out != null ? out : home.resolve("runs").resolve("demo");
        return RunCommand.runSuite(suite, dir, true, threads, false, "metascale demo" + (out != null ? " --out " + out : ""),
                dev.metascale.cli.runner.Cluster.single(),
                dev.metascale.core.result.RunInvocation.of(suiteFile, threads, java.util.List.of(), 1, 0, null));
    }
}

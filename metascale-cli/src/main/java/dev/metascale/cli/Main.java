package dev.metascale.cli;

import dev.metascale.core.env.Environment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code metascale}: benchmarks scaling strategies of meta-learning. Exit codes: 0 ok, 1 failure
 * (a trial failed, the report could not be written, an unexpected error), 2 invalid input.
 */
@Command(name = "metascale", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Benchmarks scaling strategies of meta-learning (MAML, FOMAML, ProtoNet, ...) on libtorch.",
        subcommands = {DemoCommand.class, RunCommand.class, ReportCommand.class, CompareCommand.class, AdviseCommand.class,
                ValidateCommand.class, EnvCommand.class, CalibrateCommand.class, ListCommand.class, EpisodesCommand.class,
                SubmitCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_INVALID = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: exit codes as documented, errors as one line on stderr. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("METASCALE_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return EXIT_FAILED;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_INVALID;
    }

    /** Version from the jar manifest, {@code dev} when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"metascale " + Environment.metascaleVersion()};
        }
    }
}

package dev.metascale.report;

import java.nio.file.Path;
import java.util.List;

/**
 * The exact commands that re-run a report's trials. The record keeps the suite's name, not its
 * path, so the suite file is taken to be {@code suites/NAME.yaml}.
 */
final class RerunCommand {
    private RerunCommand() {
    }

    /** One {@code bin/metascale run} per suite, resuming into {@code runDir}, then the report command. */
    static List<String> commands(List<String> suites, Path runDir) {
        String dir = shellQuote(runDir.toString());
        List<String> runs = new java.util.ArrayList<>();
        for (String suite : suites) {
            runs.add("bin/metascale run " + shellQuote("suites/" + suite + ".yaml") + " --out " + dir + " --resume");
        }
        runs.add("bin/metascale report " + dir);
        return List.copyOf(runs);
    }

    private static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./=:@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}

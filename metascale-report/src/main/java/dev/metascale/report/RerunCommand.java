package dev.metascale.report;

import dev.metascale.core.result.RunInvocation;
import dev.metascale.core.result.TrialResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The exact commands that re-run a report's trials: for each way the run was started ({@code env.invocation}: the
 * suite file's path, {@code --threads}, {@code --only}, the nodes), that command with {@code --resume}; then the report
 * command. A suite whose records predate the invocation (older runs) falls back to {@code suites/NAME.yaml}.
 */
final class RerunCommand {
    private RerunCommand() {
    }

    static List<String> commands(List<TrialResult> records, Path runDir) {
        String dir = runDir.toString();
        Set<String> runs = new LinkedHashSet<>();
        Set<String> suitesWithout = new LinkedHashSet<>();
        Set<String> suitesWith = new LinkedHashSet<>();
        for (TrialResult r : records) {
            Optional<RunInvocation> how = RunInvocation.of(r);
            if (how.isPresent()) {
                runs.add(how.get().resumeCommand("bin/metascale", dir));
                suitesWith.add(r.spec().suite());
            } else {
                suitesWithout.add(r.spec().suite());
            }
        }
        suitesWithout.removeAll(suitesWith);
        for (String suite : suitesWithout) {
            runs.add("bin/metascale run " + RunInvocation.shellQuote("suites/" + suite + ".yaml") + " --out "
                    + RunInvocation.shellQuote(dir) + " --resume");
        }
        List<String> commands = new ArrayList<>(runs);
        commands.add("bin/metascale report " + RunInvocation.shellQuote(dir));
        return List.copyOf(commands);
    }

    /** Whether some command had to assume {@code suites/NAME.yaml} (no record of that suite kept its invocation). */
    static boolean assumesSuitePath(List<TrialResult> records) {
        Set<String> with = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>();
        for (TrialResult r : records) {
            all.add(r.spec().suite());
            RunInvocation.of(r).ifPresent(how -> with.add(r.spec().suite()));
        }
        return !with.containsAll(all);
    }
}

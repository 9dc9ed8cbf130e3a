package dev.metascale.cli;

import dev.metascale.core.env.Environment;
import dev.metascale.core.result.RunInvocation;
import dev.metascale.core.shard.TrialShards;
import dev.metascale.core.spec.Suite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code submit slurm|k8s SUITE --out DIR}: a suite spread over a cluster by the scheduler the cluster has — a SLURM job
 * array (one array task per shard) or a Kubernetes Indexed Job (one pod per completion index). Each task runs {@code
 * metascale run SUITE --out DIR --resume}, which takes its shard from the scheduler's variables ({@code
 * SLURM_ARRAY_TASK_ID} of {@code SLURM_ARRAY_TASK_COUNT}; {@code JOB_COMPLETION_INDEX} of {@code
 * METASCALE_SHARD_COUNT}) and writes {@code DIR/shard-I-of-N}; a re-queued task resumes its shard; {@code report DIR}
 * reads every shard. No scheduler of its own: the file is written for the cluster's, and {@code --now} hands it over.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Writes (and with --now submits) a SLURM job array or a Kubernetes Indexed Job that runs SUITE as N shards"
                + " into DIR; `metascale report DIR` then reads every shard.",
        subcommands = {SubmitCommand.Slurm.class, SubmitCommand.Kubernetes.class})
public final class SubmitCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("name the scheduler: metascale submit slurm SUITE --out DIR, or metascale submit k8s SUITE --out DIR");
        return Main.EXIT_INVALID;
    }

    /**
     * What both schedulers need: the suite, the run directory, the shards and the cores of each; {@link #call} reads the
     * suite, writes the scheduler's file under {@code DIR/submit}, shows the shards' balance and hands over to
     * {@link #written}.
     */
    abstract static class Common implements Callable<Integer> {
        @Parameters(paramLabel = "SUITE", description = "suite YAML file (the same path must be readable where the tasks run)")
        Path suiteFile;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "run directory on storage every task can write"
                + " (a shared file system or volume); each shard writes DIR/shard-I-of-N")
        Path out;

        @Option(names = "--shards", paramLabel = "N", description = "how many shards (array tasks / pods); default: the suite's"
                + " trials, at most 16")
        Integer shards;

        @Option(names = "--cpus-per-task", paramLabel = "C", defaultValue = "2", description = "cores of each task, also its"
                + " libtorch threads (default: ${DEFAULT-VALUE})")
        int cpus;

        @Option(names = "--mem", paramLabel = "M", description = "memory of each task, e.g. 8G (SLURM) or 8Gi (Kubernetes)")
        String memory;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        /** The file's name under {@code DIR/submit}. */
        abstract String fileName(Suite suite);

        /** The file's text for {@code n} shards. */
        abstract String text(Suite suite, int n);

        /** What the file starts, e.g. {@code 4 array tasks}. */
        abstract String what(int n);

        /** After the file is written: how to submit it (or submit it); the exit code. */
        abstract int written(Path file, PrintWriter to) throws Exception;

        @Override
        public final Integer call() throws Exception {
            Suite suite = SuiteFiles.load(suiteFile, spec.commandLine().getErr());
            if (suite == null) {
                return Main.EXIT_INVALID;
            }
            int n;
            try {
                n = shardCount(suite);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return Main.EXIT_INVALID;
            }
            Path file = write(fileName(suite), text(suite, n));
            PrintWriter to = spec.commandLine().getOut();
            to.println("wrote " + file + ": " + what(n) + " for the " + suite.trials().size() + " trials of " + suite.name());
            describe(suite, n, to);
            return written(file, to);
        }

        int shardCount(Suite suite) {
            int n = shards != null ? shards : Math.max(1, Math.min(16, suite.trials().size()));
            if (n < 1) {
                throw new IllegalArgumentException("--shards must be at least 1, got " + n);
            }
            return n;
        }

        /** The arguments of {@code metascale} every task runs (its shard comes from the scheduler's variables). */
        List<String> runArguments(String suitePath) {
            return List.of("run", suitePath, "--out", out.toAbsolutePath().normalize().toString(),
                    "--resume", "--threads", String.valueOf(cpus), "--quiet");
        }

        /** One line per shard: its trials and estimated share, so the user sees the balance before submitting. */
        void describe(Suite suite, int n, PrintWriter to) {
            var parts = TrialShards.partition(suite.trials(), n);
            double total = suite.trials().stream().mapToDouble(dev.metascale.core.shard.TrialCost::estimate).sum();
            for (int i = 0; i < n; i++) {
                double share = parts.get(i).stream().mapToDouble(dev.metascale.core.shard.TrialCost::estimate).sum();
                to.println(String.format(Locale.ROOT, "  shard %d/%d: %d trials, %.0f %% of the estimated compute", i, n,
                        parts.get(i).size(), total > 0 ? 100 * share / total : 0));
            }
        }

        Path write(String name, String text) throws IOException {
            Path dir = Files.createDirectories(out.resolve("submit"));
            Path file = dir.resolve(name);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        }
    }

    /** {@code submit slurm}: an sbatch script of a job array. */
    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = "Writes DIR/submit/<suite>.sbatch, a SLURM job array of N tasks each running one shard; --now runs sbatch on it.")
    static final class Slurm extends Common {
        @Option(names = "--partition", paramLabel = "P", description = "SLURM partition")
        String partition;

        @Option(names = "--time", paramLabel = "T", description = "time limit of each task, e.g. 02:00:00")
        String time;

        @Option(names = "--now", description = "submit it with sbatch and print the job id")
        boolean now;

        @Option(names = "--metascale", paramLabel = "PATH", description = "the metascale command as the compute nodes see it"
                + " (default: this installation's bin/metascale)")
        Path metascale;

        @Override
        String fileName(Suite suite) {
            return suite.name() + ".sbatch";
        }

        @Override
        String what(int n) {
            return n + " array tasks";
        }

        @Override
        int written(Path file, PrintWriter to) throws Exception {
            if (!now) {
                to.println("submit it with: sbatch " + RunInvocation.shellQuote(file.toString()) + "; then: metascale report "
                        + RunInvocation.shellQuote(out.toString()));
                return Main.EXIT_OK;
            }
            Process p = new ProcessBuilder("sbatch", "--parsable", file.toString()).redirectErrorStream(true).start();
            String reply = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                spec.commandLine().getErr().println("sbatch refused " + file + ": " + reply);
                return Main.EXIT_FAILED;
            }
            to.println("submitted job " + reply + " (squeue -j " + reply + "); then: metascale report " + RunInvocation.shellQuote(out.toString()));
            return Main.EXIT_OK;
        }

        /** The sbatch script of a job array of {@code n} tasks. */
        @Override
        String text(Suite suite, int n) {
            Path logs = out.toAbsolutePath().normalize().resolve("submit");
            List<String> lines = new ArrayList<>();
            lines.add("#!/bin/bash");
            lines.add("#SBATCH --job-name=metascale-" + suite.name());
            lines.add("#SBATCH --array=0-" + (n - 1));
            lines.add("#SBATCH --ntasks=1");
            lines.add("#SBATCH --cpus-per-task=" + cpus);
            if (memory != null) {
                lines.add("#SBATCH --mem=" + memory);
            }
            if (time != null) {
                lines.add("#SBATCH --time=" + time);
            }
            if (partition != null) {
                lines.add("#SBATCH --partition=" + partition);
            }
            lines.add("#SBATCH --output=" + logs.resolve("slurm-%A_%a.out"));
            lines.add("#SBATCH --requeue");
            lines.add("# Written by `metascale submit slurm`: suite " + suite.name() + " (" + suite.trials().size() + " trials) as " + n
                    + " shards balanced by estimated cost.");
            lines.add("# Each array task runs shard SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT into " + out.toAbsolutePath().normalize()
                    + "/shard-I-of-" + n + ";");
            lines.add("# a re-queued task resumes its shard. Merge with: metascale report " + out.toAbsolutePath().normalize());
            lines.add("set -euo pipefail");
            Path command = metascale != null ? metascale.toAbsolutePath().normalize() : Environment.home().resolve("bin/metascale");
            StringBuilder run = new StringBuilder("exec ").append(RunInvocation.shellQuote(command.toString()));
            runArguments(suiteFile.toAbsolutePath().normalize().toString()).forEach(a -> run.append(' ').append(RunInvocation.shellQuote(a)));
            lines.add(run.toString());
            return String.join("\n", lines) + "\n";
        }
    }

    /** {@code submit k8s}: an Indexed Job manifest. */
    @Command(name = "k8s", mixinStandardHelpOptions = true,
            description = "Writes DIR/submit/<suite>-job.yaml, a Kubernetes Indexed Job of N pods each running one shard"
                    + " (kubectl apply -f it).")
    static final class Kubernetes extends Common {
        @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "container image holding metascale"
                + " (built, with its data packages installed) at --home")
        String image;

        @Option(names = "--home", paramLabel = "PATH", defaultValue = "/opt/metascale", description = "where metascale is in"
                + " the image (default: ${DEFAULT-VALUE})")
        String home;

        @Option(names = "--claim", required = true, paramLabel = "PVC", description = "persistent volume claim (ReadWriteMany)"
                + " mounted at --out in every pod")
        String claim;

        @Override
        String fileName(Suite suite) {
            return suite.name() + "-job.yaml";
        }

        @Override
        String what(int n) {
            return "an Indexed Job of " + n + " pods";
        }

        @Override
        int written(Path file, PrintWriter to) {
            to.println("submit it with: kubectl apply -f " + RunInvocation.shellQuote(file.toString()) + "; then, on the volume: metascale report "
                    + RunInvocation.shellQuote(out.toString()));
            return Main.EXIT_OK;
        }

        /** The Indexed Job of {@code n} completions. */
        @Override
        String text(Suite suite, int n) {
            String name = ("metascale-" + suite.name()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            String mount = out.toAbsolutePath().normalize().toString();
            // the suite as the image holds it: under --home when it is part of this installation, else at its own path
            Path suitePath = suiteFile.toAbsolutePath().normalize();
            Path local = Environment.home();
            String inImage = suitePath.startsWith(local) ? home + "/" + local.relativize(suitePath).toString().replace('\\', '/')
                    : suitePath.toString();
            StringBuilder command = new StringBuilder("[").append(quote(home + "/bin/metascale"));
            runArguments(inImage).forEach(a -> command.append(", ").append(quote(a)));
            command.append(']');
            String memoryLine = memory == null ? "" : "\n" + " ".repeat(14) + "memory: " + quote(memory);
            return """
                    # Written by `metascale submit k8s`: suite %s (%d trials) as %d shards balanced by estimated cost.
                    # Pod I (JOB_COMPLETION_INDEX, set by Kubernetes) runs shard I of METASCALE_SHARD_COUNT into %s/shard-I-of-%d;
                    # a retried pod resumes its shard. Merge with: metascale report %s
                    apiVersion: batch/v1
                    kind: Job
                    metadata:
                      name: %s
                    spec:
                      completionMode: Indexed
                      completions: %d
                      parallelism: %d
                      backoffLimitPerIndex: 2
                      template:
                        spec:
                          restartPolicy: Never
                          containers:
                            - name: metascale
                              image: %s
                              workingDir: %s
                              command: %s
                              env:
                                - name: METASCALE_SHARD_COUNT
                                  value: "%d"
                              resources:
                                requests:
                                  cpu: "%d"%s
                              volumeMounts:
                                - name: runs
                                  mountPath: %s
                          volumes:
                            - name: runs
                              persistentVolumeClaim:
                                claimName: %s
                    """.formatted(suite.name(), suite.trials().size(), n, mount, n, mount, name, n, n, quote(image), quote(home),
                    command, n, cpus, memoryLine, quote(mount), quote(claim));
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}

package dev.metascale.cli;

import dev.metascale.cli.runner.Cluster;
import dev.metascale.cli.runner.SuiteRun;
import dev.metascale.cli.runner.TrialRunner;
import dev.metascale.cli.runner.WorkerLaunch;
import dev.metascale.core.env.Environment;
import dev.metascale.core.result.RunInvocation;
import dev.metascale.core.spec.Suite;
import dev.metascale.core.shard.Shard;
import dev.metascale.core.shard.TrialShards;
import dev.metascale.core.spec.TrialSelection;
import dev.metascale.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code run SUITE}: every trial of a suite, each in a fresh worker JVM, then the report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs every trial of SUITE in its own worker JVM, appends each record to DIR/results.jsonl "
                + "and writes the report. Exit 0 when all trials are ok, 1 when one failed, 2 on an invalid suite.")
public final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SUITE", description = "suite YAML file")
    Path suiteFile;

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/<suite name>)")
    Path out;

    @Option(names = "--resume", description = "continue DIR: skip the trials recorded ok, re-run the others")
    boolean resume;

    @Option(names = "--threads", paramLabel = "N", description = "libtorch threads per worker (default: all cores)")
    Integer threads;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @Option(names = "--nnodes", paramLabel = "N", description = "machines in a multi-node run (default: SLURM_NNODES or 1);"
            + " each starts world_size / N ranks of every data-parallel trial")
    Integer nnodes;

    @Option(names = "--node-rank", paramLabel = "R", description = "this machine's index, 0..N-1 (default: SLURM_NODEID or 0);"
            + " node 0 records the data-parallel trials, node R > 0 writes its ranks' records to DIR/node-R; then each node runs"
            + " its shard R/N of the single-process trials into DIR/shard-R-of-N")
    Integer nodeRank;

    @Option(names = "--master", paramLabel = "HOST:PORT", description = "node 0's address and a free port for the"
            + " rendezvous (default: MASTER_ADDR / MASTER_PORT)")
    String master;

    @Option(names = "--only", paramLabel = "KEY=VALUE", description = "run only the trials whose spec has this value,"
            + " e.g. --only sampler.shots=1 --only seed=0 (repeatable; run the rest later with --resume)")
    java.util.List<String> only = java.util.List.of();

    @Option(names = "--shard", paramLabel = "I/N", description = "run only shard I of N (0-based) of the suite's trials,"
            + " balanced by estimated cost, into DIR/shard-I-of-N (default: a SLURM array's SLURM_ARRAY_TASK_ID of"
            + " SLURM_ARRAY_TASK_COUNT, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX of METASCALE_SHARD_COUNT);"
            + " report DIR reads every shard")
    String shard;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Suite suite = SuiteFiles.load(suiteFile, spec.commandLine().getErr());
        if (suite == null) {
            return Main.EXIT_INVALID;
        }
        Cluster cluster;
        java.util.Optional<Shard> part;
        try {
            suite = TrialSelection.parse(only).apply(suite);
            cluster = Cluster.of(nnodes, nodeRank, master, System.getenv());
            part = shard != null ? java.util.Optional.of(Shard.parse(shard)) : Shard.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Main.EXIT_INVALID;
        }
        if (part.isPresent() && cluster.isMultiNode()) {
            spec.commandLine().getErr().println("--shard runs whole trials on this machine and --nnodes spreads one trial's ranks"
                    + " over machines: use one of them (shard the single-node trials, run the multi-node ones without --shard)");
            return Main.EXIT_INVALID;
        }
        if (part.isPresent() && suite.tuning().isPresent()) {
            spec.commandLine().getErr().println("suite " + suite.name() + " has a tune: block: its tuned trials wait for the whole"
                    + " search, which one shard cannot see; run it without --shard, or run the search alone and shard a suite"
                    + " that holds the selected settings");
            return Main.EXIT_INVALID;
        }
        if (!DataCheck.allOpen(suite, suiteFile.toString(), spec.commandLine().getErr())) {
            return Main.EXIT_INVALID;
        }
        if (out != null && out.toString().isBlank()) {
            spec.commandLine().getErr().println("--out is empty: give the run directory (e.g. --out runs/" + suite.name()
                    + "), or leave --out out for runs/" + suite.name());
            return Main.EXIT_INVALID;
        }
        Path dir = out != null ? out : Path.of("runs", suite.name());
        RunInvocation invocation = RunInvocation.of(suiteFile, threads, only, cluster.nodes(), cluster.nodeRank(), master);
        if (part.isPresent()) {
            invocation = invocation.withShard(part.get().toString());
            int all = suite.trials().size();
            suite = suite.withTrials(TrialShards.of(suite.trials(), part.get()));
            spec.commandLine().getOut().println("shard " + part.get() + ": " + suite.trials().size() + " of the suite's " + all
                    + " trials, into " + dir.resolve(part.get().directoryName()));
            if (suite.trials().isEmpty()) {
                spec.commandLine().getOut().println("shard " + part.get() + " has no trial: the suite has fewer trials than shards");
                return Main.EXIT_OK;
            }
        }
        String resumeCommand = invocation.resumeCommand("metascale", dir.toString());
        if (part.isPresent()) {
            dir = dir.resolve(part.get().directoryName());
        }
        if (cluster.isMultiNode() && suite.tuning().isPresent()) {
            spec.commandLine().getErr().println("suite " + suite.name() + " has a tune: block, and a tuning search runs on one"
                    + " node (the other nodes could not know the selected settings of the trials they lend ranks to): run it"
                    + " without --nodes, or run the search alone and write the selected settings into a suite without tune:");
            return Main.EXIT_INVALID;
        }
        if (cluster.isMultiNode()) {
            return runOnNodes(suite, dir, resumeCommand, cluster, invocation);
        }
        return runSuite(suite, dir, resume, threads, quiet, resumeCommand, cluster, invocation);
    }

    /**
     * A multi-node run: first the data-parallel trials, every node at once (node 0 records them in DIR, node R writes
     * its ranks' records to DIR/node-R), then each node its own shard of the single-process trials (node R of N: shard
     * R/N, into DIR/shard-R-of-N), so no node idles while node 0 runs them all. {@code report DIR} reads every shard
     * (copy the shard directories to one place when the nodes do not share a file system).
     */
    private int runOnNodes(Suite suite, Path dir, String resumeCommand, Cluster cluster, RunInvocation invocation) throws Exception {
        java.util.List<dev.metascale.core.spec.TrialSpec> parallel = suite.trials().stream().filter(t -> t.techniques().worldSize() > 1).toList();
        java.util.List<dev.metascale.core.spec.TrialSpec> single = suite.trials().stream().filter(t -> t.techniques().worldSize() <= 1).toList();
        Shard mine = new Shard(cluster.nodeRank(), cluster.nodes());
        java.util.List<dev.metascale.core.spec.TrialSpec> myShare = TrialShards.of(single, mine);
        int exit = Main.EXIT_OK;
        if (!parallel.isEmpty()) {
            Path parallelDir = cluster.isLeader() ? dir : dir.resolve("node-" + cluster.nodeRank());
            exit = runSuite(suite.withTrials(parallel), parallelDir, resume, threads, quiet, resumeCommand, cluster, invocation);
        }
        if (!myShare.isEmpty()) {
            spec.commandLine().getOut().println("node " + cluster.nodeRank() + ": shard " + mine + " of the " + single.size()
                    + " single-process trials (" + myShare.size() + "), into " + dir.resolve(mine.directoryName()));
            int local = runSuite(suite.withTrials(myShare), dir.resolve(mine.directoryName()), resume, threads, quiet, resumeCommand,
                    cluster, invocation); // the same multi-node command re-runs this split: no --shard in its re-run command
            exit = Math.max(exit, local);
        }
        return exit;
    }

    /** Runs {@code suite} into {@code dir} with the real worker and report; {@code invocation} goes into every record. */
    static int runSuite(Suite suite, Path dir, boolean resume, Integer threads, boolean quiet, String resumeCommand,
                        Cluster cluster, RunInvocation invocation) throws Exception {
        if (threads != null && threads < 1) {
            System.err.println("--threads must be at least 1, got " + threads);
            return Main.EXIT_INVALID;
        }
        WorkerLaunch launch = WorkerLaunch.defaults(Environment.home());
        if (threads != null) {
            launch = launch.withThreads(threads);
        }
        launch = launch.withTraceDir(dir.resolve("traces"));
        TrialRunner runner = new TrialRunner(launch, dir.resolve("logs")).withCluster(cluster).withInvocation(invocation);
        SuiteRun run = new SuiteRun(runner, ReportWriter::write, System.out, System.err, System.console() != null, quiet);
        return run.run(suite, dir, resume, resumeCommand);
    }

}

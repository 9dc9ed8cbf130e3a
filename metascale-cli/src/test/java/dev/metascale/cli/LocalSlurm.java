package dev.metascale.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real one-node SLURM cluster on localhost for a test: Debian's {@code slurm-wlm} (slurmctld and slurmd in the
 * foreground) authenticated by its own {@code munged}, every file — configuration, key, socket, state, spool, logs —
 * under one directory, on free ports, so it touches nothing of the machine's and stops with the test.
 */
final class LocalSlurm implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final List<Process> daemons = new ArrayList<>();
    private Path mungePid;

    private LocalSlurm(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
    }

    /** Why a cluster cannot be started here, or empty when the binaries and the privileges are there. */
    static Optional<String> unavailable() {
        for (String binary : List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/sbin/mungekey",
                "/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/sinfo")) {
            if (!Files.isExecutable(Path.of(binary))) {
                return Optional.of(binary + " is not installed: bin/install-packages slurm-wlm munge (bin/test does)");
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("slurmd runs jobs as their users and must be started as root; this test runs as "
                    + System.getProperty("user.name"));
        }
        return Optional.empty();
    }

    /** Starts munged, slurmctld and slurmd under {@code dir} and waits until the node is idle. */
    static LocalSlurm start(Path dir) throws IOException, InterruptedException {
        LocalSlurm s = new LocalSlurm(Files.createDirectories(dir));
        try {
            s.startDaemons();
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startDaemons() throws IOException, InterruptedException {
        Path log = Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("spool"));
        Path key = dir.resolve("munge.key");
        run(List.of("/usr/sbin/mungekey", "--create", "--keyfile=" + key, "--force"), 30);
        Path socket = dir.resolve("munge.sock");
        mungePid = dir.resolve("munged.pid");
        run(List.of("/usr/sbin/munged", "--force", "--socket=" + socket, "--key-file=" + key, "--pid-file=" + mungePid,
                "--log-file=" + log.resolve("munged.log"), "--seed-file=" + dir.resolve("munge.seed")), 30);
        String node = new String(new ProcessBuilder("hostname", "-s").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int cpus = Runtime.getRuntime().availableProcessors();
        Files.writeString(conf, String.join("\n",
                "ClusterName=metascaletest",
                "SlurmctldHost=" + node + "(127.0.0.1)",
                "SlurmUser=root",
                "SlurmdUser=root",
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "AuthType=auth/munge",
                "AuthInfo=socket=" + socket,
                "CredType=cred/munge",
                "StateSaveLocation=" + dir.resolve("state"),
                "SlurmdSpoolDir=" + dir.resolve("spool"),
                "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + log.resolve("slurmctld.log"),
                "SlurmdLogFile=" + log.resolve("slurmd.log"),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "JobAcctGatherType=jobacct_gather/none",
                "AccountingStorageType=accounting_storage/none",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "SchedulerType=sched/backfill",
                "ReturnToService=2",
                "MpiDefault=none",
                "NodeName=" + node + " NodeAddr=127.0.0.1 CPUs=" + cpus + " State=UNKNOWN",
                "PartitionName=debug Nodes=" + node + " Default=YES MaxTime=INFINITE State=UP", ""));
        daemons.add(daemon(List.of("/usr/sbin/slurmctld", "-D", "-f", conf.toString()), log.resolve("slurmctld.out")));
        Thread.sleep(1500);
        daemons.add(daemon(List.of("/usr/sbin/slurmd", "-D", "-f", conf.toString(), "-N", node), log.resolve("slurmd.out")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String state = command(List.of("/usr/bin/sinfo", "-h", "-o", "%T"), 20).strip();
            if (state.startsWith("idle")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the local SLURM node did not become idle in 60 s; logs under " + log);
    }

    /** The environment the cluster's commands need. */
    Map<String, String> environment() {
        return Map.of("SLURM_CONF", conf.toString());
    }

    /** Submits {@code script} with sbatch; returns the job id. */
    String sbatch(Path script) throws IOException, InterruptedException {
        return command(List.of("/usr/bin/sbatch", "--parsable", script.toString()), 60).strip();
    }

    /** Waits until job {@code id} (every array task) has left the queue. */
    void awaitGone(String id, long timeoutS) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (System.nanoTime() < deadline) {
            if (command(List.of("/usr/bin/squeue", "-h", "-j", id), 20).isBlank()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("job " + id + " still queued or running after " + timeoutS + " s");
    }

    private String command(List<String> argv, long timeoutS) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    private void run(List<String> argv, long timeoutS) throws IOException, InterruptedException {
        command(argv, timeoutS);
    }

    private Process daemon(List<String> argv, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(environment());
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process p = daemons.get(i);
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (mungePid != null && Files.exists(mungePid)) {
                long pid = Long.parseLong(Files.readString(mungePid).strip());
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(10, TimeUnit.SECONDS); // it writes its seed file as it exits
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
            }
        } catch (IOException | NumberFormatException ignored) {
            // munged was not started, or already gone
        }
    }
}

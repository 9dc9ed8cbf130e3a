package dev.metascale.cli.runner;

import java.util.Map;

/**
 * Where this runner stands in a multi-node run: {@code nodes} machines each start
 * {@code world_size / nodes} ranks of every data-parallel trial; global rank = node rank × local
 * ranks + local rank; every rank joins the TCPStore at {@code masterHost:masterPort}, served by
 * global rank 0 (on node 0). A single-node runner (the default) opens no port: its ranks meet through a c10d
 * FileStore in the trial's directory, and Gloo binds loopback.
 */
public record Cluster(int nodes, int nodeRank, String masterHost, int masterPort) {

    public Cluster {
        if (nodes < 1 || nodeRank < 0 || nodeRank >= nodes) {
            throw new IllegalArgumentException("--node-rank " + nodeRank + " is not in 0.." + (nodes - 1) + " (--nnodes " + nodes + ")");
        }
        if (nodes > 1 && (masterHost == null || masterPort <= 0)) {
            throw new IllegalArgumentException("a run over " + nodes + " nodes needs --master HOST:PORT (the address of node 0,"
                    + " reachable from every node, with a free port)");
        }
    }

    public static Cluster single() {
        return new Cluster(1, 0, null, 0);
    }

    public boolean isMultiNode() {
        return nodes > 1;
    }

    public boolean isLeader() {
        return nodeRank == 0;
    }

    /**
     * From the command line, falling back to SLURM's variables when an option is absent: {@code SLURM_NNODES} and
     * {@code SLURM_NODEID} (one runner per node, as {@code srun --ntasks-per-node=1} starts it: a job step with more
     * tasks than nodes — {@code SLURM_NTASKS} — is refused, since its runners would share a node rank), the usual
     * {@code MASTER_ADDR} / {@code MASTER_PORT}, else the first host of {@code SLURM_NODELIST} (node 0's) with
     * {@code MASTER_PORT} or 29500.
     */
    public static Cluster of(Integer nnodes, Integer nodeRank, String master, Map<String, String> env) {
        int n = nnodes != null ? nnodes : parse(env.get("SLURM_NNODES"), 1);
        int r = nodeRank != null ? nodeRank : parse(env.get("SLURM_NODEID"), 0);
        if (nnodes == null && n > 1 && env.containsKey("SLURM_NTASKS") && parse(env.get("SLURM_NTASKS"), n) != n) {
            throw new IllegalArgumentException("this SLURM job step runs " + env.get("SLURM_NTASKS") + " tasks on " + n + " nodes;"
                    + " metascale starts the ranks of a node itself: run one runner per node (srun --ntasks-per-node=1"
                    + " bin/metascale run ...), or give --nnodes and --node-rank");
        }
        String host = null;
        int port = 0;
        if (master != null) {
            int colon = master.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--master must be HOST:PORT, got '" + master + "'");
            }
            host = master.substring(0, colon);
            port = Integer.parseInt(master.substring(colon + 1));
        } else if (env.containsKey("MASTER_ADDR")) {
            host = env.get("MASTER_ADDR");
            port = parse(env.get("MASTER_PORT"), 29500);
        } else if (n > 1 && env.get("SLURM_NODELIST") != null && !env.get("SLURM_NODELIST").isBlank()) {
            host = firstHost(env.get("SLURM_NODELIST"));
            port = parse(env.get("MASTER_PORT"), 29500);
        }
        return n <= 1 ? single() : new Cluster(n, r, host, port);
    }

    /**
     * The first host of a SLURM host list ({@code scontrol show hostnames}' first line): {@code gpu[07-09,12],cpu1} is
     * {@code gpu07}, {@code n1,n2} is {@code n1}, {@code rack1-[3-4]} is {@code rack1-3}.
     */
    static String firstHost(String nodelist) {
        String list = nodelist.strip();
        int bracket = list.indexOf('[');
        int comma = list.indexOf(',');
        if (bracket < 0 || (comma >= 0 && comma < bracket)) {
            return comma < 0 ? list : list.substring(0, comma);
        }
        String prefix = list.substring(0, bracket);
        String inside = list.substring(bracket + 1, list.indexOf(']', bracket));
        String first = inside.split(",")[0].split("-")[0];
        return prefix + first;
    }

    private static int parse(String value, int fallback) {
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}

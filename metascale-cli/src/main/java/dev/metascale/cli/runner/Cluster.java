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
     * From the command line, falling back to SLURM's variables ({@code SLURM_NNODES},
     * {@code SLURM_NODEID}) and the usual {@code MASTER_ADDR} / {@code MASTER_PORT} when an option is absent.
     */
    public static Cluster of(Integer nnodes, Integer nodeRank, String master, Map<String, String> env) {
        int n = nnodes != null ? nnodes : parse(env.get("SLURM_NNODES"), 1);
        int r = nodeRank != null ? nodeRank : parse(env.get("SLURM_NODEID"), 0);
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
        }
        return n <= 1 ? single() : new Cluster(n, r, host, port);
    }

    private static int parse(String value, int fallback) {
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}

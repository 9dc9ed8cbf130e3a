package dev.metascale.engine.dist;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a worker stands in a data-parallel trial: its rank, the world size and the TCPStore
 * rendezvous address. The runner passes them as system properties
 * ({@code metascale.rank}, {@code metascale.world_size}, {@code metascale.master} = host:port,
 * {@code metascale.collective_timeout_s}).
 */
public record RankInfo(int rank, int worldSize, String masterHost, int masterPort, Duration timeout) {
    public static final String RANK = "metascale.rank";
    public static final String WORLD_SIZE = "metascale.world_size";
    public static final String MASTER = "metascale.master";
    public static final String TIMEOUT = "metascale.collective_timeout_s";

    public RankInfo {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in a world of " + worldSize);
        }
    }

    /** The settings of this process, or empty for a single-process trial. */
    public static Optional<RankInfo> fromSystemProperties() {
        String world = System.getProperty(WORLD_SIZE);
        if (world == null || Integer.parseInt(world) <= 1) {
            return Optional.empty();
        }
        String master = System.getProperty(MASTER, "127.0.0.1:29500");
        int colon = master.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(MASTER + " must be HOST:PORT, got " + master);
        }
        return Optional.of(new RankInfo(Integer.parseInt(System.getProperty(RANK, "0")), Integer.parseInt(world),
                master.substring(0, colon), Integer.parseInt(master.substring(colon + 1)),
                Duration.ofSeconds(Long.parseLong(System.getProperty(TIMEOUT, "60")))));
    }

    public boolean isLeader() {
        return rank == 0;
    }
}

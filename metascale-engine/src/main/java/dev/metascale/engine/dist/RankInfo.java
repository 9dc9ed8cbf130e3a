package dev.metascale.engine.dist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a worker stands in a data-parallel trial: its rank, the world size and its rendezvous. On one machine the
 * ranks meet through a c10d {@code FileStore} in the trial's directory ({@code storeFile}): nothing listens on a
 * network port but Gloo's own loopback sockets. Across nodes they meet at a TCPStore on {@code masterHost:masterPort}
 * served by rank 0. The runner passes them as system properties ({@code metascale.rank}, {@code metascale.world_size},
 * {@code metascale.store_file} or {@code metascale.master} = host:port, {@code metascale.collective_timeout_s}).
 *
 * @param storeFile  the FileStore of a single-machine trial, or null for a TCPStore rendezvous
 * @param masterHost the TCPStore's host when {@code storeFile} is null
 */
public record RankInfo(int rank, int worldSize, Path storeFile, String masterHost, int masterPort, Duration timeout) {
    public static final String RANK = "metascale.rank";
    public static final String WORLD_SIZE = "metascale.world_size";
    public static final String STORE_FILE = "metascale.store_file";
    public static final String MASTER = "metascale.master";
    public static final String TIMEOUT = "metascale.collective_timeout_s";

    public RankInfo {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in a world of " + worldSize);
        }
        if (storeFile == null && (masterHost == null || masterPort <= 0)) {
            throw new IllegalArgumentException("a rank needs a store file (one machine) or a master HOST:PORT (several)");
        }
    }

    /** A rank of a trial on this machine, meeting its peers through {@code storeFile}. */
    public static RankInfo onThisMachine(int rank, int worldSize, Path storeFile, Duration timeout) {
        return new RankInfo(rank, worldSize, storeFile, null, 0, timeout);
    }

    /** A rank of a trial across nodes, meeting its peers at rank 0's TCPStore on {@code host:port}. */
    public static RankInfo overTcp(int rank, int worldSize, String host, int port, Duration timeout) {
        return new RankInfo(rank, worldSize, null, host, port, timeout);
    }

    /** The settings of this process, or empty for a single-process trial. */
    public static Optional<RankInfo> fromSystemProperties() {
        String world = System.getProperty(WORLD_SIZE);
        if (world == null || Integer.parseInt(world) <= 1) {
            return Optional.empty();
        }
        int rank = Integer.parseInt(System.getProperty(RANK, "0"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(System.getProperty(TIMEOUT, "60")));
        String storeFile = System.getProperty(STORE_FILE);
        if (storeFile != null && !storeFile.isBlank()) {
            return Optional.of(onThisMachine(rank, Integer.parseInt(world), Path.of(storeFile), timeout));
        }
        String master = System.getProperty(MASTER);
        int colon = master == null ? -1 : master.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a data-parallel worker needs " + STORE_FILE + " or " + MASTER
                    + " = HOST:PORT, got " + master);
        }
        return Optional.of(overTcp(rank, Integer.parseInt(world), master.substring(0, colon),
                Integer.parseInt(master.substring(colon + 1)), timeout));
    }

    public boolean isLeader() {
        return rank == 0;
    }

    /** Where the ranks meet, in words. */
    public String rendezvous() {
        return storeFile != null ? "the file store " + storeFile : masterHost + ":" + masterPort;
    }
}

package dev.metascale.core.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What else the host's CPUs did while a trial was timed: Linux's {@code /proc/stat} (all CPUs' busy, idle and
 * steal time) and {@code /proc/self/stat} (this process's own CPU time), both in clock ticks, read before and after
 * the timed loop. A timing taken while other processes held the cores, or while the hypervisor stole them, is
 * not a measurement of the configuration: the record shows it ({@code host_other_cpus}, {@code cpu_steal_fraction})
 * and {@code compare} refuses to judge time on it.
 */
public final class HostCpu {
    /**
     * Other processes using more than this many CPUs on average during a trial make its timing contaminated:
     * a quarter of a core is what a busy shell or an IDE's indexer takes; a second benchmark takes a whole one.
     */
    public static final double CONTAMINATED_OTHER_CPUS = 0.25;
    /** Steal above this fraction of the host's CPU time makes a timing contaminated (the hypervisor took cores). */
    public static final double CONTAMINATED_STEAL = 0.05;

    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final Path SELF_STAT = Path.of("/proc/self/stat");

    private HostCpu() {
    }

    /**
     * Counters at one instant, in clock ticks.
     *
     * @param total   all CPU time of all CPUs (user + nice + system + idle + iowait + irq + softirq + steal)
     * @param idle    idle + iowait
     * @param steal   time the hypervisor ran other guests on this guest's CPUs
     * @param own     this process's user + system time (all its threads)
     * @param cpus    CPUs the kernel counts ({@code cpuN} lines)
     */
    public record Snapshot(long total, long idle, long steal, long own, int cpus) {
    }

    /**
     * The host's CPU use between two snapshots.
     *
     * @param busyCpus      CPUs busy on average (all processes), 0..cpus
     * @param otherCpus     of those, the CPUs used by other processes (a data-parallel trial's other ranks included)
     * @param stealFraction the fraction of all CPU time stolen by the hypervisor
     */
    public record Usage(double busyCpus, double otherCpus, double stealFraction) {
        /** Whether a timing taken over this interval was disturbed by other work on the host. */
        public boolean contaminated(double otherCpusAllowed) {
            return otherCpus > otherCpusAllowed || stealFraction > CONTAMINATED_STEAL;
        }
    }

    /** The counters now; empty where {@code /proc} is not Linux's. */
    public static Optional<Snapshot> snapshot() {
        try {
            return Optional.of(parse(Files.readAllLines(PROC_STAT), Files.readString(SELF_STAT)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses {@code /proc/stat}'s lines and {@code /proc/self/stat}. */
    static Snapshot parse(List<String> procStat, String selfStat) {
        long total = 0;
        long idle = 0;
        long steal = 0;
        int cpus = 0;
        for (String line : procStat) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("cpu")) {
                // user nice system idle iowait irq softirq steal [guest guest_nice: already inside user and nice]
                for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                    total += Long.parseLong(f[i]);
                }
                idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            } else if (f[0].startsWith("cpu")) {
                cpus++;
            }
        }
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
        String[] after = selfStat.substring(selfStat.lastIndexOf(')') + 2).trim().split("\\s+");
        long own = Long.parseLong(after[11]) + Long.parseLong(after[12]); // utime (14), stime (15)
        if (total <= 0 || cpus <= 0) {
            throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
        }
        return new Snapshot(total, idle, steal, own, cpus);
    }

    /** The use between {@code before} and {@code after}; empty when no CPU time passed. */
    public static Optional<Usage> between(Snapshot before, Snapshot after) {
        long total = after.total() - before.total();
        if (total <= 0) {
            return Optional.empty();
        }
        double cpus = after.cpus();
        double busy = (total - (after.idle() - before.idle()) - (after.steal() - before.steal())) * cpus / total;
        double own = (after.own() - before.own()) * cpus / total;
        return Optional.of(new Usage(busy, Math.max(0, busy - own), (after.steal() - before.steal()) / (double) total));
    }
}

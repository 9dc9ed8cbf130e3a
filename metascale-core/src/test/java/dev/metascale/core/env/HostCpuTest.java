package dev.metascale.core.env;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host CPU use from /proc counters: a quiet host, a host shared with another benchmark, a host whose cores were stolen. */
class HostCpuTest {
    private static HostCpu.Snapshot at(long user, long idle, long steal, long ownTicks) {
        List<String> stat = List.of(
                "cpu  " + user + " 0 0 " + idle + " 0 0 0 " + steal + " 0 0",
                "cpu0 0 0 0 0 0 0 0 0 0 0",
                "cpu1 0 0 0 0 0 0 0 0 0 0",
                "intr 1 2 3");
        // the command name holds a space and a parenthesis, as a JVM's may: fields are counted after the last ')'
        String self = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1 0 0 0 " + (ownTicks - 7) + " 7 0 0 20 0 30 0 100 0 0";
        return HostCpu.parse(stat, self);
    }

    @Test
    void aQuietHostShowsOnlyTheTrialsOwnWork() {
        // 10 s on 2 CPUs = 2000 ticks: the trial ran 1.9 CPUs busy, nothing else
        HostCpu.Usage u = HostCpu.between(at(100, 900, 0, 50), at(1990, 1010, 0, 1940)).orElseThrow();
        assertEquals(1.89, u.busyCpus(), 1e-9);
        assertEquals(0.0, u.otherCpus(), 1e-9);
        assertFalse(u.contaminated(HostCpu.CONTAMINATED_OTHER_CPUS));
    }

    @Test
    void anotherBenchmarkOnTheSameCoresIsSeenAndContaminatesTheTiming() {
        // 2000 ticks: 1960 busy, the trial used only 1000 of them
        HostCpu.Usage u = HostCpu.between(at(100, 100, 0, 0), at(2060, 140, 0, 1000)).orElseThrow();
        assertEquals(1.96, u.busyCpus(), 1e-9);
        assertEquals(0.96, u.otherCpus(), 1e-9);
        assertTrue(u.contaminated(HostCpu.CONTAMINATED_OTHER_CPUS));
    }

    @Test
    void stolenCpuTimeIsNotBusyTimeButContaminates() {
        HostCpu.Usage u = HostCpu.between(at(100, 100, 0, 0), at(1700, 300, 200, 1600)).orElseThrow();
        assertEquals(0.1, u.stealFraction(), 1e-9);
        assertEquals(1.6, u.busyCpus(), 1e-9);
        assertTrue(u.contaminated(HostCpu.CONTAMINATED_OTHER_CPUS));
    }

    @Test
    void noElapsedTicksIsNoMeasurementAndThisLinuxIsRead() {
        assertTrue(HostCpu.between(at(5, 5, 0, 1), at(5, 5, 0, 1)).isEmpty());
        HostCpu.Snapshot now = HostCpu.snapshot().orElseThrow();
        assertTrue(now.cpus() >= 1 && now.total() > 0 && now.own() >= 0, now.toString());
    }
}

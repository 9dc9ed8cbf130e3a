package dev.metascale.cli.runner;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTest {
    @Test
    void optionsWinOverSlurmVariables() {
        Cluster c = Cluster.of(2, 1, "node0:29600", Map.of("SLURM_NNODES", "4", "SLURM_NODEID", "3"));
        assertEquals(new Cluster(2, 1, "node0", 29600), c);
    }

    @Test
    void slurmAndMasterVariablesFillWhatIsMissing() {
        Cluster c = Cluster.of(null, null, null, Map.of("SLURM_NNODES", "2", "SLURM_NODEID", "1", "MASTER_ADDR", "n0"));
        assertEquals(new Cluster(2, 1, "n0", 29500), c);
        assertFalse(c.isLeader());
    }

    @Test
    void oneNodeByDefault() {
        assertTrue(!Cluster.of(null, null, null, Map.of()).isMultiNode());
    }

    @Test
    void multiNodeWithoutMasterOrWithABadRankIsRejectedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cluster.of(2, 0, null, Map.of()));
        assertTrue(e.getMessage().contains("--master HOST:PORT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cluster.of(2, 2, "h:1", Map.of()));
        assertTrue(e.getMessage().contains("not in 0..1"), e.getMessage());
    }

    @Test
    void slurmsNodeListNamesTheMasterAndATaskPerRankStepIsRefused() {
        Cluster c = Cluster.of(null, null, null, Map.of("SLURM_NNODES", "3", "SLURM_NODEID", "2", "SLURM_NTASKS", "3",
                "SLURM_NODELIST", "gpu[07-09]"));
        assertEquals("gpu07", c.masterHost());
        assertEquals(29500, c.masterPort());
        assertEquals(2, c.nodeRank());
        assertEquals("n1", Cluster.firstHost("n1,n2"));
        assertEquals("rack1-3", Cluster.firstHost("rack1-[3-4],rack2-1"));
        assertEquals("cpu12", Cluster.firstHost("cpu[12,14-15]"));
        assertEquals("solo", Cluster.firstHost("solo"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cluster.of(null, null, null,
                Map.of("SLURM_NNODES", "2", "SLURM_NODEID", "0", "SLURM_NTASKS", "8", "SLURM_NODELIST", "n[1-2]")));
        assertTrue(e.getMessage().contains("srun --ntasks-per-node=1"), e.getMessage());
    }

    @Test
    void ranksOnOneMachineGiveUpOnADeadPeerSoonAndAcrossMachinesWaitTheTrialsTimeout() {
        assertEquals(120, TrialRunner.collectiveTimeoutS(1800, false));
        assertEquals(60, TrialRunner.collectiveTimeoutS(60, false));
        assertEquals(1800, TrialRunner.collectiveTimeoutS(1800, true), "other nodes may reach the trial much later");
    }
}

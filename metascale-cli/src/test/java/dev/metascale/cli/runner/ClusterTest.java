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
}

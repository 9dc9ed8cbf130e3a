package dev.metascale.engine.dist;

import dev.metascale.engine.torch.TorchRuntime;
import dev.metascale.engine.torch.TrialDevice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU proof's collective check, on the CPU: a group of one over Gloo leaves the gradient bucket bit for bit. */
class CollectiveCheckTest {
    @Test
    void aGroupOfOneOnTheCpuJoinsGlooAndItsMeanIsTheGradientItself() {
        TorchRuntime.configure(1);
        CollectiveCheck.Result r = CollectiveCheck.run(TrialDevice.cpu(), 1 << 16, 3);
        assertEquals("gloo", r.backend());
        assertNull(r.problem());
        assertTrue(r.passed());
        assertEquals(1 << 16, r.bucketBytes());
        assertTrue(r.medianAllReduceS() > 0, r.json());
        assertTrue(r.json().startsWith("{\"device\":\"cpu\",\"backend\":\"gloo\",\"passed\":true"), r.json());
        assertEquals("cpu", TrialDevice.current().name(), "the check puts the CPU back");
    }

    @Test
    void aProblemWithQuotesAndNewlinesIsValidJsonThatReadsBackExactly() throws Exception {
        String problem = "NCCL error: \"unhandled cuda error\"\nsee nccl.err";
        CollectiveCheck.Result r = new CollectiveCheck.Result("cuda:0", "nccl", false, 4096, 0, 0.0, problem);
        com.fasterxml.jackson.databind.JsonNode node = dev.metascale.core.json.Json.MAPPER.readTree(r.json());
        assertEquals(problem, node.get("problem").asText());
        assertEquals(false, node.get("passed").asBoolean());
        assertEquals(4096, node.get("bucket_bytes").asLong());
    }
}

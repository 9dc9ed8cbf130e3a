package dev.metascale.core.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A line that parses as JSON but is no readable record is refused with its reason, never read half (an NPE later). */
class TrialResultTest {
    private static ObjectNode record() {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("schema", TrialResult.SCHEMA).put("trial_id", "abc").put("config_id", "c").put("status", "failed");
        r.putObject("error").put("kind", "crash").put("message", "m");
        return r;
    }

    @Test
    void aRecordWithoutSpecIsRefusedNamingTheTrial() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrialResult.fromJsonLine(record().toString()));
        assertTrue(e.getMessage().contains("the record of trial abc has no spec"), e.getMessage());
    }

    @Test
    void anUnknownSchemaVersionIsRefusedNotReadAsVersionOne() {
        ObjectNode r = record().put("schema", "metascale.trial/2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrialResult.fromJsonLine(r.toString()));
        assertTrue(e.getMessage().contains("schema metascale.trial/2") && e.getMessage().contains("cannot read"), e.getMessage());
        ObjectNode none = record();
        none.remove("schema");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrialResult.fromJsonLine(none.toString()))
                .getMessage().contains("names no schema"));
    }
}

package dev.metascale.core.result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metric names exist once ({@link Metric}), are documented, and a reader's typo fails loudly. */
class MetricTest {

    @Test
    void everyMetricAndSampleSeriesIsDocumentedInTheResultsSchema() throws Exception {
        String schema = Files.readString(Path.of("..", "docs", "results-schema.md"));
        for (Metric m : Metric.values()) {
            assertTrue(schema.contains("`" + m.key() + "`"), m.key() + " is not documented in docs/results-schema.md");
        }
        for (SampleSeries s : SampleSeries.values()) {
            assertTrue(schema.contains("`" + s.key() + "`"), s.key() + " is not documented in docs/results-schema.md");
        }
    }

    @Test
    void keysAreUnique() {
        Set<String> keys = new HashSet<>();
        for (Metric m : Metric.values()) {
            assertTrue(keys.add(m.key()), "two metrics named " + m.key());
        }
    }

    @Test
    void theWriterChecksKindsAndTheReaderRejectsUnknownNames() {
        Metrics metrics = Metrics.create().put(Metric.TRAIN_TIME_S, 1.5).put(Metric.PARAM_COUNT, 7L);
        assertThrows(IllegalArgumentException.class, () -> metrics.put(Metric.ACCURACY, 0.5), "a distribution is not a number");
        assertThrows(IllegalArgumentException.class, () -> metrics.put(Metric.PROFILE_ABSENT, 1.0), "a text is not a number");
        ObjectNode json = metrics.json();
        assertEquals("{\"train_time_s\":1.5,\"param_count\":7}", json.toString());

        TrialResult record = Json.MAPPER.convertValue(Json.MAPPER.createObjectNode().put("status", "ok").set("metrics", json),
                TrialResult.class);
        assertEquals(1.5, record.metric(Metric.TRAIN_TIME_S).getAsDouble());
        assertTrue(record.metric(Metric.ACCURACY).isEmpty(), "absent = not measured");
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> record.metric("train_time"));
        assertTrue(typo.getMessage().contains("not a metric"), typo.getMessage());
    }
}

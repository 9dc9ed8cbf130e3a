package dev.metascale.cli.runner;

import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    private static TrialResult ok(TrialSpec spec) {
        return TrialResult.ok(spec, null, null, Json.MAPPER.createObjectNode(), null, "a", "b", 1);
    }

    @Test
    void onATerminalTheStatusLineIsRedrawnInPlaceWithCountsLabelAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrialSpec first = Trials.trial("none", 1);
        TrialSpec second = Trials.trial("none", 2);
        try (Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4, true, false)) {
            progress.started(first);
            progress.finished(ok(first));
            progress.started(second);
            String status = progress.statusLine();
            assertTrue(status.startsWith("[#####---------------] 1/4  ok 1  failed 0  | protonet mlp[32] 5w1s seed 2"), status);
            assertTrue(status.contains("| ETA "), status);
            progress.finished(TrialResult.failed(second, new ErrorInfo(ErrorInfo.TIMEOUT, "too slow", ""), null, "a", "b", 1));
            assertTrue(progress.statusLine().startsWith("[##########----------] 2/4  ok 1  failed 1"), progress.statusLine());
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\r[#"), "redrawn in place");
        assertTrue(text.contains("[2/4] FAILED (timeout: too slow)"), text);
    }

    @Test
    void quietPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrialSpec spec = Trials.trial("none", 1);
        try (Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1, true, true)) {
            progress.started(spec);
            progress.finished(ok(spec));
        }
        assertEquals(0, bytes.size());
    }

    @Test
    void formatsDurations() {
        assertEquals("2.5s", Progress.format(2_500_000_000L));
        assertEquals("1:05", Progress.format(65_000_000_000L));
        assertEquals("1:01:01", Progress.format(3_661_000_000_000L));
    }
}

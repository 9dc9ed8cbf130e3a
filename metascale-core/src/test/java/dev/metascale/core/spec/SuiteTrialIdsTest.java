package dev.metascale.core.spec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Same build inputs, same results: every suite in {@code suites/} expands to exactly the trial ids pinned in
 * {@code pinned/suite-trial-ids.txt} (written from commit f14c1c5, before the component registries). A change that
 * alters a trial's identity (a resume would re-run it, a comparison would miss it) fails here; when the change is
 * intended, regenerate the file with {@code -Dmetascale.pin.write=true} and say why in the commit.
 */
class SuiteTrialIdsTest {
    private static final Path SUITES = Path.of("..", "suites");
    private static final String PINNED = "/pinned/suite-trial-ids.txt";

    @Test
    void everySuiteExpandsToItsPinnedTrialIds() throws Exception {
        String actual = expandAll();
        if (Boolean.getBoolean("metascale.pin.write")) {
            Files.writeString(Path.of("src/test/resources" + PINNED), actual, StandardCharsets.UTF_8);
        }
        var pinned = getClass().getResourceAsStream(PINNED);
        assertNotNull(pinned, "missing " + PINNED + "; write it with -Dmetascale.pin.write=true");
        assertEquals(new String(pinned.readAllBytes(), StandardCharsets.UTF_8), actual,
                "a suite's trial ids changed: resumes and comparisons would treat these trials as new");
    }

    /** One line per trial: suite file, position, id, label; suites in name order. */
    private static String expandAll() throws IOException, InvalidSuiteException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(SUITES)) {
            files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no suites under " + SUITES.toAbsolutePath());
        StringBuilder out = new StringBuilder();
        for (Path file : files) {
            List<TrialSpec> trials = new ArrayList<>(SuiteLoader.load(file).trials());
            for (int i = 0; i < trials.size(); i++) {
                TrialSpec t = trials.get(i);
                out.append(file.getFileName()).append(' ').append(i).append(' ').append(t.id()).append(' ')
                        .append(t.configId()).append(' ').append(t.label().replace(' ', '_')).append('\n');
            }
        }
        return out.toString();
    }
}

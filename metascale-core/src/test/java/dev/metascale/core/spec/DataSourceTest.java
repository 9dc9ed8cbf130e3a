package dev.metascale.core.spec;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The same suite over another image folder is another trial: a resume must not skip it as done. */
class DataSourceTest {
    @Test
    void theUsersFolderEntersTheIdentityAndPackagedDataDoesNot() {
        assertEquals("METASCALE_IMAGE_FOLDER=" + Path.of("pets").toAbsolutePath(),
                DataSource.of("image-folder", null, Map.of("METASCALE_IMAGE_FOLDER", "pets")));
        assertNull(DataSource.of("image-folder", null, Map.of()), "unset: the worker will say how to set it");
        assertNull(DataSource.of("glyphs", "fashion-mnist", Map.of("METASCALE_IMAGE_FOLDER", "pets")));
        assertEquals("METASCALE_TEXT_TABLE=/data/t.csv;METASCALE_LABEL_COLUMN=topic",
                DataSource.of("glyphs", "text-table", Map.of("METASCALE_TEXT_TABLE", "/data/t.csv", "METASCALE_LABEL_COLUMN", "topic")));

        TrialSpec base = SuiteLoaderTest.trial("protonet", 1, 0);
        TrialSpec pets = withSource(base, "METASCALE_IMAGE_FOLDER=/data/pets");
        TrialSpec birds = withSource(base, "METASCALE_IMAGE_FOLDER=/data/birds");
        assertNotEquals(pets.id(), birds.id());
        assertEquals(base.id(), withSource(base, null).id(), "without a source the identity is what it always was");
        assertFalse(base.toJson().has("data_source"));
        assertEquals(pets, TrialSpec.fromJson(pets.toJson()));
        assertEquals(pets.dataSource(), pets.withSeed(5).dataSource());
    }

    private static TrialSpec withSource(TrialSpec s, String source) {
        return new TrialSpec(s.suite(), s.dataset(), s.sampler(), s.model(), s.algorithm(), s.train(), s.eval(), s.techniques(),
                s.seed(), s.timeoutS(), s.fault(), source);
    }
}

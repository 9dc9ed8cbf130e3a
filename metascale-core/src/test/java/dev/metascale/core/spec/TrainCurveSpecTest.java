package dev.metascale.core.spec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train.val_every / val_episodes / until: read into the spec, left out of the id when unset, bad values refused. */
class TrainCurveSpecTest {
    private static final String SUITE = "name: c\ndefaults:\n  dataset: synthetic\n  model: {arch: mlp, hidden: [16]}\n  train: ";

    @Test
    void curveAndTargetAreRead() throws Exception {
        TrainSpec train = SuiteLoaderTest.parse(SUITE + "{iterations: 100, val_every: 20, val_episodes: 30, until: 0.9}\n")
                .trials().get(0).train();
        assertEquals(20, train.valEvery());
        assertEquals(30, train.curveEpisodes());
        assertEquals(0.9, train.until());
    }

    @Test
    void withoutCurveTheIdIsUnchanged() throws Exception {
        TrialSpec plain = SuiteLoaderTest.parse(SUITE + "{iterations: 100}\n").trials().get(0);
        assertNull(plain.train().valEvery());
        assertFalse(plain.toJson().get("train").has("val_every"));
        assertFalse(plain.toJson().get("train").has("until"));
        assertEquals(new TrainSpec(100, 3), plain.train(), "the same spec (and id) as before the curve existed");
    }

    @Test
    void targetWithoutCurveIsRefusedWithTheFix() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + "{iterations: 100, until: 0.9}\n");
        assertTrue(errors.get(0).contains("set train.val_every (e.g. 10)"), errors.toString());
    }

    @Test
    void accuracyTargetAboveOneIsRefused() {
        List<String> errors = SuiteLoaderTest.errors(SUITE + "{iterations: 100, val_every: 10, until: 90}\n");
        assertTrue(errors.get(0).contains("as a fraction (0.9 for 90 %)"), errors.toString());
    }
}

package dev.metascale.core.spec;

import dev.metascale.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Suite keys and rules of the text data sets and the minilm model; identities of older trials unchanged. */
class TextSpecTest {

    @Test
    void skipSmallClassesParsesAndIsOmittedFromTheIdentityWhenFalse() throws Exception {
        TrialSpec plain = SuiteLoaderTest.parse("name: a\n").trials().get(0);
        TrialSpec explicitFalse = SuiteLoaderTest.parse("name: a\ndefaults:\n  sampler: {skip_small_classes: false}\n").trials().get(0);
        TrialSpec skipping = SuiteLoaderTest.parse("name: a\ndefaults:\n  sampler: {skip_small_classes: true}\n").trials().get(0);
        assertFalse(plain.sampler().skipSmallClasses());
        assertTrue(skipping.sampler().skipSmallClasses());
        assertEquals(plain.id(), explicitFalse.id());
        assertTrue(skipping.id().compareTo(plain.id()) != 0, "skipping is part of the identity");
        String json = Json.MAPPER.writeValueAsString(plain.toJson());
        assertFalse(json.contains("skip_small_classes") || json.contains("frozen_layers"),
            "defaults are left out of the JSON, so existing trial ids are unchanged: " + json);
        assertTrue(Json.MAPPER.writeValueAsString(skipping.toJson()).contains("\"skip_small_classes\":true"));
        assertEquals(skipping, TrialSpec.fromJson(skipping.toJson()), "round trip");
        assertEquals(plain, TrialSpec.fromJson(plain.toJson()), "a record without the keys reads back with the defaults");
    }

    @Test
    void skipSmallClassesMustBeABoolean() {
        List<String> errors = SuiteLoaderTest.errors("name: a\ndefaults:\n  sampler: {skip_small_classes: 3}\n");
        assertEquals(List.of("s.yaml:3:33: defaults.sampler.skip_small_classes: expected true or false, got '3'"), errors);
    }

    @Test
    void minilmOnWordNetIsValidAndKeepsFrozenLayers() throws Exception {
        TrialSpec t = SuiteLoaderTest.parse("name: a\ndefaults:\n  dataset: wordnet\n  model: {arch: minilm, frozen_layers: 4}\n")
            .trials().get(0);
        assertEquals(4, t.model().frozenLayers());
        assertEquals("minilm-frozen4", t.model().label());
        assertEquals(t, TrialSpec.fromJson(t.toJson()));
    }

    @Test
    void anImageModelOnWordNetIsRejectedWithTheReason() {
        List<String> errors = SuiteLoaderTest.errors("name: a\ndefaults:\n  dataset: wordnet\n  model: {arch: conv4}\n");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("data set wordnet holds texts (token sequences), which model conv4 cannot read;"
            + " use model.arch: minilm"), errors.toString());
    }

    @Test
    void minilmOnGlyphsIsRejectedWithTheReason() {
        List<String> errors = SuiteLoaderTest.errors("name: a\ndefaults:\n  dataset: glyphs\n  model: {arch: minilm}\n");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("model minilm reads texts (token sequences), but data set glyphs does not hold them"),
            errors.toString());
    }

    @Test
    void crossDomainBetweenTextAndImagesIsRejected() {
        List<String> errors = SuiteLoaderTest.errors(
            "name: a\ndefaults:\n  dataset: wordnet\n  model: {arch: minilm}\n  eval: {dataset: glyphs}\n");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("hold different kinds of examples"), errors.toString());
    }

    @Test
    void frozenLayersNeedMinilmAndAtMostFive() {
        assertTrue(SuiteLoaderTest.errors("name: a\ndefaults:\n  model: {arch: conv4, frozen_layers: 2}\n").get(0)
            .contains("frozen_layers applies to the pretrained model minilm only"));
        assertTrue(SuiteLoaderTest.errors("name: a\ndefaults:\n  dataset: wordnet\n  model: {arch: minilm, frozen_layers: 6}\n")
            .get(0).contains("frozen_layers must be 0..5, got 6"));
    }
}

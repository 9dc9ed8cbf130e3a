package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlyphCacheTest {
    private static final List<String> FONTS = List.of("NotoSans-Regular.ttf", "NotoSansArmenian-Regular.ttf",
        "NotoSansGeorgian-Regular.ttf", "NotoSansCherokee-Regular.ttf", "NotoSansRunic-Regular.ttf");

    @TempDir
    static Path fonts;

    @BeforeAll
    static void linkFonts() throws IOException {
        for (String name : FONTS) {
            Path font = GlyphsDataset.DEFAULT_FONT_DIR.resolve(name);
            if (Files.exists(font)) {
                Files.createSymbolicLink(fonts.resolve(name), font);
            }
        }
    }

    @Test
    void secondOpenReadsTheManifestAndTheRenderedClasses(@TempDir Path cache) throws IOException {
        assumeTrue(Files.list(fonts).count() == FONTS.size(), "fonts-noto-core not installed");
        long t0 = System.nanoTime();
        GlyphsDataset first = GlyphsDataset.open(fonts, 3, 20, 60, cache);
        float[][][] rendered = new float[10][][];
        for (int c = 0; c < 10; c++) {
            rendered[c] = first.examples(Split.TRAIN, c);
        }
        long firstNs = System.nanoTime() - t0;
        Path dir = first.cacheDir();
        assertEquals(cache.resolve("glyphs").resolve(first.hash()), dir, "cached by content hash");
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("\"scripts\""));
        try (var files = Files.list(dir.resolve("classes"))) {
            assertEquals(10, files.count());
        }

        long t1 = System.nanoTime();
        GlyphsDataset second = GlyphsDataset.open(fonts, 3, 20, 60, cache);
        for (int c = 0; c < 10; c++) {
            assertArrayEquals(rendered[c], second.examples(Split.TRAIN, c), "cached pixels equal rendered ones");
        }
        long secondNs = System.nanoTime() - t1;
        for (Split s : Split.values()) {
            assertEquals(first.classNames(s), second.classNames(s));
            assertEquals(first.groupNames(s), second.groupNames(s));
        }
        assertEquals(first.hash(), second.hash());
        assertEquals(GlyphsDataset.open(fonts, 3, 20, 60).hash(), first.hash(), "the cache does not change the identity");
        assertTrue(secondNs * 3 < firstNs, "second load " + secondNs / 1e6 + " ms vs first " + firstNs / 1e6 + " ms");

        // A damaged class file is re-rendered, a damaged manifest rebuilt: same pixels and classes.
        Path classFile;
        try (var files = Files.list(dir.resolve("classes"))) {
            classFile = files.sorted().findFirst().orElseThrow();
        }
        Files.write(classFile, new byte[]{1, 2, 3});
        Files.writeString(dir.resolve("manifest.json"), "{ broken");
        GlyphsDataset third = GlyphsDataset.open(fonts, 3, 20, 60, cache);
        assertEquals(first.classNames(Split.TEST), third.classNames(Split.TEST));
        for (int c = 0; c < 10; c++) {
            assertArrayEquals(rendered[c], third.examples(Split.TRAIN, c));
        }
        assertTrue(Files.size(classFile) > 3, "rewritten");
    }
}

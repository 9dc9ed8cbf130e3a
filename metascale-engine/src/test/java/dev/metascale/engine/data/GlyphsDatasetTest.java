package dev.metascale.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlyphsDatasetTest {
    private static final List<String> SUBSET = List.of("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSerif-Regular.ttf",
        "NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf", "NotoSansGeorgian-Regular.ttf",
        "NotoSansCherokee-Regular.ttf", "NotoSansRunic-Regular.ttf", "NotoSansOgham-Regular.ttf",
        "NotoSansThaana-Regular.ttf", "NotoSansAdlam-Regular.ttf", "NotoSansGothic-Regular.ttf");

    @TempDir
    static Path subsetDir;

    @BeforeAll
    static void linkSubset() throws IOException {
        if (Files.isDirectory(GlyphsDataset.DEFAULT_FONT_DIR)) {
            for (String name : SUBSET) {
                Path font = GlyphsDataset.DEFAULT_FONT_DIR.resolve(name);
                if (Files.exists(font)) {
                    Files.createSymbolicLink(subsetDir.resolve(name), font);
                }
            }
        }
    }

    private static void assumeFonts() {
        assumeTrue(Files.isDirectory(GlyphsDataset.DEFAULT_FONT_DIR), "fonts-noto-core is not installed");
    }

    private static GlyphsDataset subset(long splitSeed) {
        assumeFonts();
        return GlyphsDataset.open(subsetDir, splitSeed, 20);
    }

    @Test
    void missingFontDirNamesTheInstallCommand(@TempDir Path empty) {
        DatasetUnavailableException missing = assertThrows(DatasetUnavailableException.class,
            () -> GlyphsDataset.open(empty.resolve("nope"), 0, 20));
        assertTrue(missing.getMessage().startsWith("glyphs needs the Noto fonts: run "
            + "`apt-get install --no-install-recommends fonts-noto-core` (bin/metascale demo installs it)"), missing.getMessage());
        DatasetUnavailableException none = assertThrows(DatasetUnavailableException.class,
            () -> GlyphsDataset.open(empty, 0, 20));
        assertTrue(none.getMessage().contains("fonts-noto-core"), none.getMessage());
        assertTrue(none.getMessage().contains("no .ttf/.otf fonts in " + empty), none.getMessage());
    }

    /** The whole font directory: alphabets (scripts) never span two splits, class shares near 70/10/20. */
    @Test
    void defaultSplitsAreDisjointAtScriptLevel() {
        assumeFonts();
        long start = System.nanoTime();
        GlyphsDataset ds = GlyphsDataset.openDefault();
        double openSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("glyphs: opened in %.2f s: %s%n", openSeconds, ds);
        Map<Split, Set<String>> scripts = new EnumMap<>(Split.class);
        Set<String> allClasses = new HashSet<>();
        int total = 0;
        for (Split s : Split.values()) {
            List<String> names = ds.classNames(s);
            List<String> groups = ds.groupNames(s);
            assertEquals(names.size(), groups.size());
            for (int i = 0; i < names.size(); i++) {
                assertTrue(names.get(i).startsWith(groups.get(i) + "/U+"), names.get(i));
                assertTrue(allClasses.add(names.get(i)), "class in two places: " + names.get(i));
            }
            scripts.put(s, new HashSet<>(groups));
            total += names.size();
        }
        for (Split a : Split.values()) {
            assertFalse(scripts.get(a).isEmpty(), a + " has no scripts");
            for (Split b : Split.values()) {
                if (a.ordinal() < b.ordinal()) {
                    Set<String> both = new HashSet<>(scripts.get(a));
                    both.retainAll(scripts.get(b));
                    assertTrue(both.isEmpty(), "scripts in " + a + " and " + b + ": " + both);
                }
            }
        }
        assertTrue(total > 3000, "only " + total + " classes");
        assertEquals(0.7, ds.classNames(Split.TRAIN).size() / (double) total, 0.06);
        assertEquals(0.1, ds.classNames(Split.VAL).size() / (double) total, 0.06);
        assertEquals(0.2, ds.classNames(Split.TEST).size() / (double) total, 0.06);
        assertTrue(scripts.values().stream().mapToInt(Set::size).sum() > 100);
    }

    @Test
    void pixelsAreDeterministicWhateverWasRenderedBefore() {
        GlyphsDataset a = subset(0);
        GlyphsDataset b = subset(0);
        ClassRef armenianA = find(a, "Armenian/U+0531");
        float[][] first = a.examples(armenianA.split(), armenianA.index());
        // b renders other classes (of every split) first, concurrently
        List<Thread> threads = new ArrayList<>();
        for (Split s : Split.values()) {
            int n = b.classNames(s).size();
            for (int c = 0; c < Math.min(3, n); c++) {
                int index = c;
                threads.add(start(() -> b.examples(s, index)));
            }
        }
        threads.forEach(GlyphsDatasetTest::join);
        assertArrayEquals(first, b.examples(armenianA.split(), armenianA.index()));
        assertArrayEquals(first, a.examples(armenianA.split(), armenianA.index()));
        assertEquals(a.hash(), b.hash());
    }

    @Test
    void splitSeedMovesScriptsButNotPixels() {
        GlyphsDataset a = subset(0);
        GlyphsDataset b = subset(1);
        assertNotEquals(a.hash(), b.hash());
        ClassRef inA = find(a, "Georgian/U+10D0");
        ClassRef inB = find(b, "Georgian/U+10D0");
        assertArrayEquals(a.examples(inA.split(), inA.index()), b.examples(inB.split(), inB.index()));
    }

    @Test
    void examplesAreInRangeNonBlankAndVaried() {
        GlyphsDataset ds = subset(0);
        assertEquals(28, ds.height());
        assertEquals(28, ds.width());
        int checked = 0;
        for (Split s : Split.values()) {
            int n = ds.classNames(s).size();
            for (int c = 0; c < n; c += Math.max(1, n / 4)) {
                float[][] ex = ds.examples(s, c);
                assertEquals(20, ex.length);
                assertEquals(20, ds.examplesPerClass(s, c));
                for (float[] img : ex) {
                    assertEquals(28 * 28, img.length);
                    double ink = 0;
                    for (float v : img) {
                        assertTrue(v >= 0f && v <= 1f, "pixel out of [0,1]: " + v);
                        ink += v;
                    }
                    assertTrue(ink > 5, ds.classNames(s).get(c) + " is nearly blank: " + ink);
                    // background = 0: the border rows are mostly empty
                    assertTrue(img[0] + img[27] + img[27 * 28] + img[28 * 28 - 1] < 2);
                }
                Set<String> distinct = new HashSet<>();
                for (float[] img : ex) {
                    distinct.add(java.util.Arrays.toString(img));
                }
                assertEquals(20, distinct.size(), "examples of " + ds.classNames(s).get(c) + " repeat");
                checked++;
            }
        }
        assertTrue(checked >= 3);
    }

    @Test
    void scriptsHaveEnoughLettersAndNoDecomposedOrStyledOnes() {
        GlyphsDataset ds = subset(0);
        Set<String> all = new HashSet<>();
        for (Split s : Split.values()) {
            all.addAll(ds.classNames(s));
            for (String script : ds.scripts(s)) {
                long n = ds.groupNames(s).stream().filter(script::equals).count();
                assertTrue(n >= GlyphsDataset.MIN_LETTERS && n <= GlyphsDataset.DEFAULT_MAX_LETTERS_PER_SCRIPT, script + ": " + n);
            }
        }
        assertTrue(all.contains("Latin/U+0041"));
        assertTrue(all.contains("Adlam/U+1E900"), "supplementary-plane letters are classes");
        assertFalse(all.contains("Latin/U+00E9"), "é decomposes; it is not a class of its own");
        assertFalse(all.contains("Latin/U+1D400"), "mathematical bold A is not a class");
    }

    private record ClassRef(Split split, int index) {
    }

    private static ClassRef find(GlyphsDataset ds, String className) {
        for (Split s : Split.values()) {
            int i = ds.classNames(s).indexOf(className);
            if (i >= 0) {
                return new ClassRef(s, i);
            }
        }
        throw new AssertionError(className + " not in the data set");
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

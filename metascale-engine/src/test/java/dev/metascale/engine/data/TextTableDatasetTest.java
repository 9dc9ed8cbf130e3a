package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;
import dev.metascale.core.spec.SamplerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTableDatasetTest {

    /** Every class and text of the data set, by class name. */
    static Map<String, List<String>> contents(TextDataset data) {
        Map<String, List<String>> out = new HashMap<>();
        for (Split s : Split.values()) {
            for (int c = 0; c < data.classNames(s).size(); c++) {
                List<String> texts = new ArrayList<>();
                for (int e = 0; e < data.examplesPerClass(s, c); e++) {
                    texts.add(data.text(s, c, e));
                }
                out.put(data.classNames(s).get(c), texts);
            }
        }
        return out;
    }

    @Test
    void csvWithQuotesCommasAndLineBreaksIsRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("reviews.csv");
        Files.writeString(file, "id,label,review\r\n"
            + "1,pos,\"Great, really great\"\r\n"
            + "2,neg,\"He said \"\"awful\"\"\"\r\n"
            + "3,pos,\"two\nlines\"\r\n"
            + "\r\n"
            + "4,neutral,plain text\r\n", StandardCharsets.UTF_8);
        TextDataset data = TextTableDataset.open(file, "review", "label", 0, null);
        assertEquals(Map.of("pos", List.of("Great, really great", "two\nlines"), "neg", List.of("He said \"awful\""),
            "neutral", List.of("plain text")), contents(data));
        assertEquals(Modality.TOKENS, data.modality());
        assertEquals("text-table", data.name());
    }

    @Test
    void jsonlWithNumericLabelsIsRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.jsonl");
        Files.writeString(file, "{\"text\": \"the sky is blue\", \"label\": 1}\n\n{\"text\": \"grass is green\", \"label\": 2, \"x\": [1]}\n");
        TextDataset data = TextTableDataset.open(file, "text", "label", 0, null);
        assertEquals(Map.of("1", List.of("the sky is blue"), "2", List.of("grass is green")), contents(data));
        float[] ids = data.examples(data.classNames(Split.TRAIN).isEmpty() ? Split.TEST : Split.TRAIN, 0)[0];
        assertEquals(101, ids[0], "[CLS] first");
    }

    @Test
    void hashFollowsContentColumnsAndSeed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.csv");
        Files.writeString(file, "text,label,other\na,x,y\nb,y,x\n");
        String h = TextTableDataset.open(file, "text", "label", 0, null).hash();
        assertEquals(h, TextTableDataset.open(file, "text", "label", 0, null).hash());
        assertNotEquals(h, TextTableDataset.open(file, "text", "label", 1, null).hash());
        assertNotEquals(h, TextTableDataset.open(file, "text", "other", 0, null).hash());
        Files.writeString(file, "text,label,other\na,x,y\nc,y,x\n");
        assertNotEquals(h, TextTableDataset.open(file, "text", "label", 0, null).hash());
    }

    @Test
    void missingFileSaysWhatToSet(@TempDir Path dir) {
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
            () -> TextTableDataset.open(dir.resolve("none.csv"), "text", "label", 0, null));
        assertTrue(e.getMessage().contains("none.csv") && e.getMessage().contains(TextTableDataset.ENV), e.getMessage());
    }

    @Test
    void missingColumnNamesTheColumnsFound(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "sentence,label\nhello,a\n");
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> TextTableDataset.open(csv, "text", "label", 0, null));
        assertTrue(e.getMessage().contains("no column 'text'") && e.getMessage().contains("[sentence, label]")
            && e.getMessage().contains(TextTableDataset.TEXT_ENV), e.getMessage());
        Path jsonl = dir.resolve("t.jsonl");
        Files.writeString(jsonl, "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"category\": \"y\"}\n");
        CorruptDataException j = assertThrows(CorruptDataException.class, () -> TextTableDataset.open(jsonl, "text", "label", 0, null));
        assertTrue(j.getMessage().contains("line 2 has no field 'label'") && j.getMessage().contains("[text, category]"),
            j.getMessage());
    }

    @Test
    void undecodableTextNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("latin1.csv");
        byte[] head = "text,label\nfine,a\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "caf\u00e9,b\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + bad.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Files.write(csv, all);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> TextTableDataset.open(csv, "text", "label", 0, null));
        assertTrue(e.getMessage().startsWith(csv.toString()) && e.getMessage().contains("line 3 is not valid UTF-8"), e.getMessage());
    }

    @Test
    void emptyTablesAndMalformedRowsAreNamed(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(empty, "text", "label", 0, null))
            .getMessage().contains("no header row"));
        Path headerOnly = dir.resolve("header.csv");
        Files.writeString(headerOnly, "text,label\n");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(headerOnly, "text", "label", 0, null))
            .getMessage().contains("holds no rows"));
        Path emptyJsonl = dir.resolve("e.jsonl");
        Files.writeString(emptyJsonl, "\n\n");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(emptyJsonl, "text", "label", 0, null))
            .getMessage().contains("holds no rows"));
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "text,label\na,b\nhello, world,c\n");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(ragged, "text", "label", 0, null))
            .getMessage().contains("line 3 has 3 fields, the header 2"));
        Path unclosed = dir.resolve("unclosed.csv");
        Files.writeString(unclosed, "text,label\n\"open,a\n");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(unclosed, "text", "label", 0, null))
            .getMessage().contains("opened on line 2 is never closed"));
        Path blankText = dir.resolve("blank.jsonl");
        Files.writeString(blankText, "{\"text\": \" \", \"label\": \"a\"}\n");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(blankText, "text", "label", 0, null))
            .getMessage().contains("line 1 has an empty text"));
        Path notJson = dir.resolve("bad.jsonl");
        Files.writeString(notJson, "{\"text\": \"a\", \"label\": \"b\"}\n{text: a}\n");
        assertTrue(assertThrows(CorruptDataException.class, () -> TextTableDataset.open(notJson, "text", "label", 0, null))
            .getMessage().contains("line 2 is not a JSON object"));
    }

    /** 12 classes: 11 with 6 texts each, one ("rare") with 2. A 2-shot 3-query sampler names it, or skips it. */
    @Test
    void aClassWithTooFewExamplesIsNamedOrSkipped(@TempDir Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int c = 0; c < 11; c++) {
            for (int e = 0; e < 6; e++) {
                csv.append("text ").append(e).append(" of class ").append(c).append(",class").append(c).append('\n');
            }
        }
        csv.append("one,rare\ntwo,rare\n");
        Path file = dir.resolve("t.csv");
        Files.writeString(file, csv.toString());
        TextDataset found = null;
        Split rareSplit = null;
        for (long seed = 0; found == null; seed++) { // a split seed that puts "rare" among at least 3 classes
            TextDataset candidate = TextTableDataset.open(file, "text", "label", seed, null);
            for (Split s : Split.values()) {
                if (candidate.classNames(s).contains("rare") && candidate.classNames(s).size() >= 3) {
                    found = candidate;
                    rareSplit = s;
                }
            }
        }
        TextDataset data = found;
        Split split = rareSplit;
        int ways = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Samplers.create(new SamplerSpec("fixed", ways, 2, 3), data, split));
        assertTrue(e.getMessage().contains("class rare") && e.getMessage().contains("has 2 examples")
            && e.getMessage().contains("at least 5"), e.getMessage());
        FixedEpisodeSampler skipping = (FixedEpisodeSampler) Samplers.create(new SamplerSpec("fixed", ways, 2, 3, 1, 5, true), data, split);
        assertEquals(List.of("rare (2 examples)"), skipping.skipped());
        int rare = data.classNames(split).indexOf("rare");
        for (int i = 0; i < 50; i++) {
            assertTrue(!skipping.episode(0, i).classes().contains(rare));
        }
    }
}

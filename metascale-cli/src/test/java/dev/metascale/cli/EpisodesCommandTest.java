package dev.metascale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.json.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpisodesCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String line : out.toString().split("\n")) {
            nodes.add(Json.MAPPER.readTree(line));
        }
        return nodes;
    }

    @Test
    void fixedEpisodesAreJsonLinesWithPerClassCounts() throws Exception {
        assertEquals(0, execute("episodes", "--dataset", "synthetic", "--sampler", "fixed", "--ways", "4", "--shots", "2",
                "--query", "3", "--split", "test", "--count", "5", "--seed", "7", "--json", "--examples"), err.toString());
        List<JsonNode> episodes = lines();
        assertEquals(5, episodes.size());
        for (int i = 0; i < 5; i++) {
            JsonNode e = episodes.get(i);
            assertEquals(i, e.get("index").asInt());
            assertEquals("test", e.get("split").asText());
            assertEquals(4, e.get("ways").asInt());
            assertEquals(4, e.get("classes").size());
            Set<String> distinct = new HashSet<>();
            e.get("classes").forEach(c -> distinct.add(c.asText()));
            assertEquals(4, distinct.size());
            assertEquals("[2,2,2,2]", e.get("shots").toString());
            assertEquals("[3,3,3,3]", e.get("query").toString());
            assertEquals(2, e.get("support_examples").get(0).size());
        }
        String first = out.toString();
        out.getBuffer().setLength(0);
        execute("episodes", "--dataset", "synthetic", "--ways", "4", "--shots", "2", "--query", "3", "--count", "5",
                "--seed", "7", "--json", "--examples");
        assertEquals(first, out.toString(), "same seed, same episodes");
    }

    @Test
    void metaDatasetAndImbalancedCountsVaryPerClass() throws Exception {
        assertEquals(0, execute("episodes", "--dataset", "synthetic", "--sampler", "meta-dataset", "--split", "train",
                "--count", "20", "--json"), err.toString());
        Set<Integer> ways = new HashSet<>();
        for (JsonNode e : lines()) {
            int w = e.get("ways").asInt();
            ways.add(w);
            assertTrue(w >= 5 && w <= 50);
            assertEquals(w, e.get("shots").size());
            assertEquals(w, e.get("query").size());
            e.get("query").forEach(q -> assertEquals(10, q.asInt(), "min(10, 20 / 2)"));
        }
        assertTrue(ways.size() > 1, "variable way: " + ways);
        out.getBuffer().setLength(0);
        assertEquals(0, execute("episodes", "--dataset", "synthetic", "--sampler", "imbalanced", "--ways", "5",
                "--min-shots", "1", "--max-shots", "4", "--query", "5", "--count", "30", "--json"), err.toString());
        Set<Integer> shots = new HashSet<>();
        lines().forEach(e -> e.get("shots").forEach(s -> shots.add(s.asInt())));
        assertEquals(Set.of(1, 2, 3, 4), shots);
    }

    @Test
    void badInputExitsTwoWithTheReason() {
        assertEquals(Main.EXIT_INVALID, execute("episodes", "--dataset", "synthetic", "--ways", "40", "--count", "1"));
        assertTrue(err.toString().contains("32 classes"), err.toString());
        assertEquals(Main.EXIT_INVALID, execute("episodes", "--dataset", "synthetic", "--sampler", "wild"));
        assertTrue(err.toString().contains("fixed, meta-dataset, imbalanced"), err.toString());
        assertEquals(Main.EXIT_INVALID, execute("episodes", "--dataset", "synthetic", "--split", "dev"));
        assertEquals(Main.EXIT_OK, execute("episodes", "--dataset", "synthetic", "--count", "2"));
        assertTrue(out.toString().startsWith("episode 0: 5-way, 5 support, 75 query:"), out.toString());
    }

    /** The installed WordNet: each episode lists the glosses it draws, per class, matching the counts. */
    @Test
    void wordnetEpisodesShowTheGlossTexts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of("/usr/share/wordnet/data.noun")),
                "wordnet-base not installed");
        assertEquals(0, execute("episodes", "--dataset", "wordnet", "--ways", "5", "--shots", "5", "--query", "15",
                "--count", "2", "--json", "--examples"), err.toString());
        for (JsonNode e : lines()) {
            assertEquals("wordnet", e.get("dataset").asText());
            assertEquals(5, e.get("support_texts").size());
            for (int l = 0; l < 5; l++) {
                assertEquals(5, e.get("support_texts").get(l).size());
                assertEquals(15, e.get("query_texts").get(l).size());
                assertTrue(e.get("support_texts").get(l).get(0).asText().length() > 3, e.toString());
            }
        }
    }
}

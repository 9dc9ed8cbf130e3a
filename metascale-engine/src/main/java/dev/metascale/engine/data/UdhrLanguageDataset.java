package dev.metascale.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Language identification on the UDHR translations ({@code udhr-langid}): class = translation, example = one
 * paragraph of it (the {@code <p>} elements, cleaned as {@link UdhrDataset} says), classified from MiniLM tokens —
 * the same files as the {@code udhr} language-model data set, read as text classification. Paragraphs under
 * {@value #MIN_CHARACTERS} characters (article numbers, one-word headings) are dropped; translations with fewer than
 * {@value #MIN_EXAMPLES} paragraphs left are named in {@link TextDataset#skipped()} ({@code too_small}), and so are
 * files that are not UTF-8 or hold no paragraph ({@code unreadable}). The translations of one language (their
 * {@code lang} tag) stay in one split, about 70/10/20 % of the classes ({@link TextDataset#splitByGroup}). MiniLM's
 * vocabulary is English WordPiece: scripts it lacks tokenise to {@code [UNK]}, which is part of what this domain
 * measures. The content hash covers every file's name and bytes and the split seed.
 */
public final class UdhrLanguageDataset {
    public static final String NAME = "udhr-langid";
    static final String VERSION = "udhr-langid-1";
    static final int MIN_CHARACTERS = 20;
    static final int MIN_EXAMPLES = 20;

    private UdhrLanguageDataset() {
    }

    /** Opens the installed {@code udhr} package ({@link UdhrDataset#searchPath()}). */
    public static TextDataset openDefault(long splitSeed) {
        List<Path> dirs = UdhrDataset.searchPath();
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                return open(dir, splitSeed, GlyphCache.defaultRoot());
            }
        }
        throw new DatasetUnavailableException(NAME + ": udhr is not installed: " + UdhrDataset.INSTALL + " (looked in " + dirs + ")");
    }

    /** @throws DatasetUnavailableException when the folder holds no usable translation */
    public static TextDataset open(Path dir, long splitSeed, Path cacheRoot) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".html") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new DatasetUnavailableException(NAME + ": cannot list " + dir + " (" + e.getMessage() + "); " + UdhrDataset.INSTALL, e);
        }
        ContentHash hash = new ContentHash().text(VERSION).text("minChars=" + MIN_CHARACTERS).text("min=" + MIN_EXAMPLES)
            .text("splitSeed=" + splitSeed);
        List<UdhrDataset.Translation> read = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CorruptDataException(file, "cannot read (" + e.getMessage() + ")", "check its permissions");
            }
            hash.text(file.getFileName().toString()).bytes(bytes);
            try {
                read.add(UdhrDataset.parse(file, bytes));
            } catch (CorruptDataException e) {
                unreadable.add(file.getFileName().toString());
            }
        }
        Map<String, Integer> titles = new HashMap<>();
        read.forEach(t -> titles.merge(t.title(), 1, Integer::sum));
        Map<String, List<String>> texts = new TreeMap<>();
        Map<String, String> groupOf = new HashMap<>();
        List<String> tooSmall = new ArrayList<>();
        for (UdhrDataset.Translation t : read) {
            List<String> paragraphs = t.paragraphs().stream().filter(p -> p.length() >= MIN_CHARACTERS).toList();
            String name = UdhrDataset.name(t, titles);
            if (paragraphs.size() < MIN_EXAMPLES) {
                tooSmall.add(name + " (" + paragraphs.size() + " paragraphs)");
            } else {
                texts.put(name, paragraphs);
                groupOf.put(name, t.group());
            }
        }
        if (texts.isEmpty()) {
            throw new DatasetUnavailableException(NAME + ": no translation in " + dir + " has " + MIN_EXAMPLES + " paragraphs of "
                + MIN_CHARACTERS + " characters; " + UdhrDataset.INSTALL);
        }
        Map<String, List<String>> skipped = new TreeMap<>();
        if (!unreadable.isEmpty()) {
            skipped.put("unreadable", unreadable);
        }
        if (!tooSmall.isEmpty()) {
            skipped.put("too_small", tooSmall);
        }
        return TextDataset.splitByGroup(NAME, VERSION, hash.hex(), texts, groupOf::get, splitSeed, cacheRoot).withSkipped(skipped);
    }
}

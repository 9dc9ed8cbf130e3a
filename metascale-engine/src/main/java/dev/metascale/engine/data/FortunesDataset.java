package dev.metascale.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code fortunes} (the fortune-mod cookie files, {@code /usr/share/games/fortunes}) as few-shot text
 * classification: class = category file ({@code science}, {@code politics}, {@code startrek}, …), example = one
 * fortune. Format ({@code strfile(1)}): plain text, fortunes separated by a line holding only {@code %}; the
 * {@code .dat} index files and the {@code .u8} links beside them are not read. Overstruck characters
 * ({@code x BACKSPACE y}, the old bold/underline) keep the last character; white space is collapsed.
 *
 * <p>Categories with fewer than {@value #MIN_EXAMPLES} fortunes are left out and named in {@link TextDataset#skipped()}
 * ({@code too_small}); the rest are split 70/10/20 % by class ({@link TextDataset#splitByClass}). Debian's fortunes
 * 1.99.1: 40 of 43 categories (ascii-art, pratchett and translate-me are too small), 15,193 fortunes. The content hash covers
 * the bytes of every category file read and the split seed.
 */
public final class FortunesDataset {
    public static final String NAME = "fortunes";
    public static final Path DEFAULT_DIR = Path.of("/usr/share/games/fortunes");
    public static final String INSTALL = "apt-get install --no-install-recommends fortunes (or `bin/install-packages fortunes`)";
    /** Fewest fortunes a category needs to be kept. */
    public static final int MIN_EXAMPLES = 20;
    static final String VERSION = "fortunes-1";
    private static final Pattern OVERSTRIKE = Pattern.compile(".\b");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private FortunesDataset() {
    }

    /** Opens {@link #DEFAULT_DIR} with the token cache under {@link GlyphCache#defaultRoot()}. */
    public static TextDataset openDefault(long splitSeed) {
        return open(DEFAULT_DIR, splitSeed, GlyphCache.defaultRoot());
    }

    /**
     * @throws DatasetUnavailableException when the folder is missing or holds no category file
     * @throws CorruptDataException naming the file when one is not UTF-8 text
     */
    public static TextDataset open(Path dir, long splitSeed, Path cacheRoot) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetUnavailableException(NAME + ": " + dir + " is missing; install it with `" + INSTALL + "`");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().contains("."))
                .sorted().toList();
        } catch (IOException e) {
            throw new DatasetUnavailableException(NAME + ": cannot list " + dir + " (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new DatasetUnavailableException(NAME + ": " + dir + " holds no fortune file; install them with `" + INSTALL + "`");
        }
        ContentHash hash = new ContentHash().text(VERSION).text("min=" + MIN_EXAMPLES).text("splitSeed=" + splitSeed);
        Map<String, List<String>> texts = new TreeMap<>();
        List<String> tooSmall = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CorruptDataException(file, "cannot read (" + e.getMessage() + ")", "check its permissions");
            }
            String category = file.getFileName().toString();
            hash.text(category).bytes(bytes);
            List<String> fortunes = parse(file, bytes);
            if (fortunes.size() < MIN_EXAMPLES) {
                tooSmall.add(category + " (" + fortunes.size() + " fortunes)");
            } else {
                texts.put(category, fortunes);
            }
        }
        if (texts.isEmpty()) {
            throw new DatasetUnavailableException(NAME + ": no category in " + dir + " has " + MIN_EXAMPLES + " fortunes");
        }
        return TextDataset.splitByClass(NAME, VERSION, hash.hex(), texts, splitSeed, cacheRoot)
            .withSkipped(tooSmall.isEmpty() ? Map.of() : Map.of("too_small", tooSmall));
    }

    /**
     * The fortunes of one file, in file order, empty ones dropped.
     *
     * @throws CorruptDataException when the bytes are not UTF-8
     */
    static List<String> parse(Path file, byte[] bytes) {
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptDataException(file, "is not UTF-8 text (" + e.getMessage() + ")",
                "convert it (`iconv -f latin1 -t utf-8`) or reinstall: " + INSTALL);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : content.split("\n", -1)) {
            if (line.strip().equals("%")) {
                add(out, current);
            } else {
                current.append(line).append('\n');
            }
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder current) {
        String text = SPACE.matcher(OVERSTRIKE.matcher(current).replaceAll("")).replaceAll(" ").strip();
        if (!text.isEmpty()) {
            out.add(text);
        }
        current.setLength(0);
    }
}

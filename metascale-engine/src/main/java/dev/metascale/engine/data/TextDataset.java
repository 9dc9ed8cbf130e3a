package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;
import dev.metascale.engine.model.bert.MiniLm;
import dev.metascale.engine.model.bert.TextTokenizer;
import dev.metascale.engine.model.bert.TokenBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A few-shot text-classification data set ({@link Modality#TOKENS}): classes of texts, already
 * split, each text tokenised by the WordPiece tokenizer of MiniLM ({@link MiniLm#TOKENIZER_RESOURCE})
 * into exactly {@value #LENGTH} ids: {@code [CLS]} text {@code [SEP]}, truncated to fit, right-padded
 * with id 0. The common body of {@code wordnet}, {@code wordnet-lexname} and {@code text-table}.
 *
 * <p>Token ids are cached on disk under {@code <cache root>/text/<hash>.ids} (the data set's content
 * hash, which covers the source texts, the settings and the tokenizer version): magic {@code MST1},
 * int32 texts, int32 length, then the ids as unsigned 16-bit little-endian values. A damaged or
 * unwritable cache only costs the tokenising time. Thread-safe.
 */
public final class TextDataset implements FewShotDataset {
    /** Tokens per example, [CLS] and [SEP] included. */
    public static final int LENGTH = 32;
    /** Part of every text data set's content hash: changes when the tokenisation could change. */
    static final String TOKENIZATION = "minilm-l6-v2-wordpiece-uncased/length=" + LENGTH;
    private static final int MAGIC = 0x4D535431; // "MST1"

    /** One class: its name, the group it was split by, and its texts. */
    public record TextClass(String name, String group, List<String> texts) {
        public TextClass {
            texts = List.copyOf(texts);
        }
    }

    private final String name;
    private final String version;
    private final String hash;
    private final Map<Split, List<TextClass>> classes;
    private final Map<Split, List<float[][]>> ids;
    private final long tokenizeMillis;
    private final Map<String, List<String>> skipped;

    private TextDataset(String name, String version, String hash, Map<Split, List<TextClass>> classes,
                        Map<Split, List<float[][]>> ids, long tokenizeMillis, Map<String, List<String>> skipped) {
        this.skipped = Map.copyOf(skipped);
        this.name = name;
        this.version = version;
        this.hash = hash;
        this.classes = classes;
        this.ids = ids;
        this.tokenizeMillis = tokenizeMillis;
    }

    /**
     * Tokenises every text (or reads the ids from the cache under {@code cacheRoot}; null = no
     * cache) and builds the data set. {@code hash} must cover everything that determines the texts
     * and the splits; {@link #TOKENIZATION} is added to it here.
     */
    public static TextDataset build(String name, String version, String hash, Map<Split, List<TextClass>> classes, Path cacheRoot) {
        Map<Split, List<TextClass>> copy = new EnumMap<>(Split.class);
        List<String> all = new ArrayList<>();
        for (Split s : Split.values()) {
            List<TextClass> list = List.copyOf(classes.getOrDefault(s, List.of()));
            copy.put(s, list);
            list.forEach(c -> all.addAll(c.texts()));
        }
        String fullHash = new ContentHash().text(hash).text(TOKENIZATION).hex();
        long start = System.nanoTime();
        Path cacheFile = cacheRoot == null ? null : cacheRoot.resolve("text").resolve(fullHash + ".ids");
        int[] flat = cacheFile == null ? null : readCache(cacheFile, all.size());
        if (flat == null) {
            flat = tokenize(all);
            if (cacheFile != null) {
                writeCache(cacheFile, flat, all.size());
            }
        }
        Map<Split, List<float[][]>> ids = new EnumMap<>(Split.class);
        int row = 0;
        for (Split s : Split.values()) {
            List<float[][]> perClass = new ArrayList<>();
            for (TextClass c : copy.get(s)) {
                float[][] examples = new float[c.texts().size()][LENGTH];
                for (float[] example : examples) {
                    for (int t = 0; t < LENGTH; t++) {
                        example[t] = flat[row * LENGTH + t];
                    }
                    row++;
                }
                perClass.add(examples);
            }
            ids.put(s, List.copyOf(perClass));
        }
        return new TextDataset(name, version, fullHash, copy, ids, (System.nanoTime() - start) / 1_000_000, Map.of());
    }

    /** The share of the classes each split gets when a text data set splits by class: 70/10/20 %. */
    static final Map<Split, Double> CLASS_FRACTIONS = Map.of(Split.TRAIN, 0.7, Split.VAL, 0.1, Split.TEST, 0.2);

    /**
     * The usual text data set: every class its own group, classes split train/val/test about 70/10/20 % by
     * {@code splitSeed} ({@link GroupSplitter}), then {@link #build}. {@code texts} maps class name → texts, in any
     * order (the split sorts by name); {@code hash} must cover the texts and {@code splitSeed}.
     */
    static TextDataset splitByClass(String name, String version, String hash, Map<String, List<String>> texts, long splitSeed,
                                    Path cacheRoot) {
        return splitByGroup(name, version, hash, texts, c -> c, splitSeed, cacheRoot);
    }

    /**
     * As {@link #splitByClass}, but whole groups of classes go to one split ({@code groupOf}: class → group; e.g. the
     * translations of one language), about 70/10/20 % of the classes.
     */
    static TextDataset splitByGroup(String name, String version, String hash, Map<String, List<String>> texts,
                                    java.util.function.UnaryOperator<String> groupOf, long splitSeed, Path cacheRoot) {
        Map<String, Integer> groups = new java.util.TreeMap<>();
        texts.keySet().forEach(c -> groups.merge(groupOf.apply(c), 1, Integer::sum));
        Map<String, Split> assignment = GroupSplitter.assign(groups, splitSeed, CLASS_FRACTIONS);
        Map<Split, List<TextClass>> classes = new EnumMap<>(Split.class);
        new java.util.TreeMap<>(texts).forEach((cls, list) -> classes.computeIfAbsent(assignment.get(groupOf.apply(cls)),
            s -> new ArrayList<>()).add(new TextClass(cls, groupOf.apply(cls), list)));
        return build(name, version, hash, classes, cacheRoot);
    }

    /** Ids of every text, {@value #LENGTH} per text, row-major. */
    static int[] tokenize(List<String> texts) {
        int[] flat = new int[texts.size() * LENGTH];
        try (TextTokenizer tokenizer = TextTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, LENGTH)) {
            int batch = 1024;
            for (int from = 0; from < texts.size(); from += batch) {
                TokenBatch b = tokenizer.encode(texts.subList(from, Math.min(texts.size(), from + batch)));
                for (int i = 0; i < b.size(); i++) {
                    long[] row = b.inputIds()[i];
                    for (int t = 0; t < row.length; t++) {
                        flat[(from + i) * LENGTH + t] = (int) row[t];
                    }
                }
            }
        }
        return flat;
    }

    private static int[] readCache(Path file, int texts) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() != 12 + 2L * texts * LENGTH || b.getInt() != MAGIC || b.getInt() != texts || b.getInt() != LENGTH) {
                return null;
            }
            int[] flat = new int[texts * LENGTH];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = Short.toUnsignedInt(b.getShort());
            }
            return flat;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeCache(Path file, int[] flat, int texts) {
        ByteBuffer b = ByteBuffer.allocate(12 + 2 * flat.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(texts).putInt(LENGTH);
        for (int id : flat) {
            if (id > 0xFFFF) {
                return; // not representable: stay uncached
            }
            b.putShort((short) id);
        }
        try {
            GlyphCache.write(file, b.array());
        } catch (IOException e) {
            // best effort: the next open tokenises again
        }
    }

    /** The same data set, recording what its loader left out (reason → classes or files; see {@link #skipped()}). */
    TextDataset withSkipped(Map<String, List<String>> left) {
        return new TextDataset(name, version, hash, classes, ids, tokenizeMillis, left);
    }

    @Override
    public Map<String, List<String>> skipped() {
        return skipped;
    }

    /** Wall time of the last step of opening: tokenising, or reading the cached ids. */
    public long tokenizeMillis() {
        return tokenizeMillis;
    }

    /** The text of example {@code example} of class {@code classIndex}: what the ids encode. */
    public String text(Split split, int classIndex, int example) {
        return classes.get(split).get(Objects.checkIndex(classIndex, classes.get(split).size())).texts().get(example);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public Modality modality() {
        return Modality.TOKENS;
    }

    /** The BERT uncased vocabulary of MiniLM. */
    @Override
    public int vocabularySize() {
        return dev.metascale.engine.model.bert.BertConfig.MINILM_L6.vocabSize();
    }

    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return LENGTH;
    }

    @Override
    public List<String> classNames(Split split) {
        return classes.get(split).stream().map(TextClass::name).toList();
    }

    @Override
    public List<String> groupNames(Split split) {
        return classes.get(split).stream().map(TextClass::group).toList();
    }

    @Override
    public int examplesPerClass(Split split, int classIndex) {
        return classes.get(split).get(Objects.checkIndex(classIndex, classes.get(split).size())).texts().size();
    }

    /** The ids of a class's texts; the rows are shared between calls, so callers must not write into them. */
    @Override
    public float[][] examples(Split split, int classIndex) {
        return ids.get(split).get(Objects.checkIndex(classIndex, classes.get(split).size())).clone();
    }
}

package dev.metascale.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.metascale.core.json.Json;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The Omniglot-style rendered-glyph benchmark: alphabet = Unicode script, class = one letter of
 * that script, examples = seeded "drawings" of the letter (a font of the script that has it,
 * affine jitter, stroke-width change, elastic warp), 28 x 28, ink = 1. Scripts, not letters, are
 * split into train/val/test (about 70 / 10 / 20 % of the classes), as Omniglot splits alphabets.
 *
 * <p>Letters are code points with {@link Character#isLetter(int)}, a real script (not Common or
 * Inherited) and no (compatibility) decomposition, so accented and styled variants such as
 * {@code é} or mathematical letters are not classes of their own. Letters whose base rendering is
 * blank or identical to another letter of the script are dropped, and so are scripts with fewer
 * than {@value #MIN_LETTERS} letters.
 *
 * <p>Pixels of (class, example) depend only on the fonts, the class's code point and the example
 * index (not on the split seed nor on the order classes are asked for); they are quantised to 8 bits
 * ({@code round(255 v) / 255}) so that rendered and cached pixels are identical. Rendering is lazy per
 * class and cached in memory and, when opened with a cache root ({@link #openDefault(long)} uses
 * {@link GlyphCache#defaultRoot()}), on disk by content hash: the alphabet-level split as a manifest
 * and the rendered examples per class (see {@link GlyphCache}). All methods are thread-safe.
 */
public final class GlyphsDataset implements FewShotDataset {
    /** Default font directory of Debian's {@code fonts-noto-core}. */
    public static final Path DEFAULT_FONT_DIR = Path.of("/usr/share/fonts/truetype/noto");
    public static final String NAME = "glyphs";
    public static final String VERSION = "glyphs-2";
    static final int MIN_LETTERS = 5;
    /** Default cap on letters per script: Omniglot alphabets have 14-55 letters, Noto's Tangut has 6,892. */
    public static final int DEFAULT_MAX_LETTERS_PER_SCRIPT = 150;
    static final String INSTALL_HINT = "glyphs needs the Noto fonts: run "
        + "`apt-get install --no-install-recommends fonts-noto-core` (bin/metascale demo installs it)";
    private static final long RENDER_SEED = 0x61795068L;
    private static final Map<Split, Double> SPLIT_FRACTIONS = Map.of(Split.TRAIN, 0.7, Split.VAL, 0.1, Split.TEST, 0.2);

    /** One font file and the code points its cmap maps. */
    private record FontFile(Path path, String name, long size, int[] codePoints) {
    }

    /** One class: a letter, the fonts that have it, and the font of its base (un-augmented) rendering. */
    private record Letter(String script, int codePoint, int[] fonts, int baseFont) {
        String className() {
            return script + "/" + String.format(Locale.ROOT, "U+%04X", codePoint);
        }
    }

    private final Path fontDir;
    private final long splitSeed;
    private final int examplesPerClass;
    private final int maxLettersPerScript;
    private final GlyphRenderParams params;
    private final GlyphRenderer renderer;
    /** Renders the base images compared to find blank and duplicate letters: output size directly, no supersampling. */
    private final GlyphRenderer baseRenderer;
    private final List<FontFile> fontFiles;
    private final Map<Integer, Font> loadedFonts = new ConcurrentHashMap<>();
    private final Map<Split, List<Letter>> letters;
    private final Map<Split, AtomicReferenceArray<float[][]>> cache = new EnumMap<>(Split.class);
    private final GlyphCache diskCache;
    private volatile String hash;

    private GlyphsDataset(Path fontDir, long splitSeed, int examplesPerClass, int maxLettersPerScript,
                          List<FontFile> fontFiles, String hash, GlyphCache diskCache, Map<Split, List<Letter>> letters) {
        this.fontDir = fontDir;
        this.splitSeed = splitSeed;
        this.examplesPerClass = examplesPerClass;
        this.maxLettersPerScript = maxLettersPerScript;
        this.params = GlyphRenderParams.defaults();
        this.renderer = new GlyphRenderer(params);
        this.baseRenderer = new GlyphRenderer(params.withSupersample(1));
        this.fontFiles = fontFiles;
        this.hash = hash;
        this.diskCache = diskCache;
        this.letters = letters != null ? letters : buildSplits();
        for (Split s : Split.values()) {
            cache.put(s, new AtomicReferenceArray<>(this.letters.get(s).size()));
        }
    }

    /** {@link #DEFAULT_FONT_DIR}, split seed 0, 20 examples per class (as Omniglot). */
    public static GlyphsDataset openDefault() {
        return openDefault(0L);
    }

    /** {@link #DEFAULT_FONT_DIR}, 20 examples per class, the given split seed, cached under {@link GlyphCache#defaultRoot()}. */
    public static GlyphsDataset openDefault(long splitSeed) {
        return open(DEFAULT_FONT_DIR, splitSeed, 20, DEFAULT_MAX_LETTERS_PER_SCRIPT, GlyphCache.defaultRoot());
    }

    /**
     * Scans the fonts ({@code *.ttf}, {@code *.otf}, {@code *.ttc}) of a directory and builds the
     * classes and splits; renders nothing but one base image per letter (for dropping blanks and
     * duplicates).
     *
     * @throws DatasetUnavailableException when the directory is missing or holds no fonts
     */
    public static GlyphsDataset open(Path fontDir, long splitSeed, int examplesPerClass) {
        return open(fontDir, splitSeed, examplesPerClass, DEFAULT_MAX_LETTERS_PER_SCRIPT);
    }

    /**
     * As {@link #open(Path, long, int)}, keeping at most {@code maxLettersPerScript} letters (the
     * lowest code points) of each script.
     */
    public static GlyphsDataset open(Path fontDir, long splitSeed, int examplesPerClass, int maxLettersPerScript) {
        return open(fontDir, splitSeed, examplesPerClass, maxLettersPerScript, null);
    }

    /**
     * As {@link #open(Path, long, int, int)}, with the disk cache under {@code cacheRoot} (none when
     * null): a data set of the same content hash opened before reads its split from the manifest and
     * its pixels from the class files instead of scanning and rendering.
     */
    public static GlyphsDataset open(Path fontDir, long splitSeed, int examplesPerClass, int maxLettersPerScript, Path cacheRoot) {
        if (maxLettersPerScript < MIN_LETTERS) {
            throw new IllegalArgumentException("maxLettersPerScript must be >= " + MIN_LETTERS + ", got " + maxLettersPerScript);
        }
        if (examplesPerClass < 1) {
            throw new IllegalArgumentException("examplesPerClass must be >= 1, got " + examplesPerClass);
        }
        if (!Files.isDirectory(fontDir)) {
            throw new DatasetUnavailableException(INSTALL_HINT + " (font directory " + fontDir + " does not exist)");
        }
        List<Path> paths;
        try (Stream<Path> list = Files.list(fontDir)) {
            paths = list.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".ttf") || n.endsWith(".otf") || n.endsWith(".ttc"));
            }).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new DatasetUnavailableException(INSTALL_HINT + " (cannot list " + fontDir + ": " + e.getMessage() + ")", e);
        }
        if (paths.isEmpty()) {
            throw new DatasetUnavailableException(INSTALL_HINT + " (no .ttf/.otf fonts in " + fontDir + ")");
        }
        if (cacheRoot != null) {
            List<FontFile> plain = paths.stream().map(p -> new FontFile(p, p.getFileName().toString(), sizeOf(p), new int[0])).toList();
            String hash = computeHash(plain, GlyphRenderParams.defaults(), splitSeed, examplesPerClass, maxLettersPerScript);
            GlyphCache disk = new GlyphCache(cacheRoot, hash);
            Map<Split, List<Letter>> cached = disk.readManifest().map(m -> fromManifest(m, plain, hash)).orElse(null);
            if (cached != null) {
                return new GlyphsDataset(fontDir, splitSeed, examplesPerClass, maxLettersPerScript, plain, hash, disk, cached);
            }
            GlyphsDataset built = new GlyphsDataset(fontDir, splitSeed, examplesPerClass, maxLettersPerScript,
                readCmaps(paths), hash, disk, null);
            disk.writeManifest(built.manifest());
            return built;
        }
        return new GlyphsDataset(fontDir, splitSeed, examplesPerClass, maxLettersPerScript, readCmaps(paths), null, null, null);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The manifest: the font files and, per split, each class with its script, fonts and base font. */
    private ObjectNode manifest() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", VERSION).put("hash", hash).put("split_seed", splitSeed)
            .put("examples_per_class", examplesPerClass).put("max_letters_per_script", maxLettersPerScript);
        ArrayNode fonts = root.putArray("fonts");
        fontFiles.forEach(f -> fonts.add(f.name()));
        ObjectNode splits = root.putObject("splits");
        for (Split s : Split.values()) {
            ObjectNode split = splits.putObject(s.name().toLowerCase(Locale.ROOT));
            split.putArray("scripts").addAll(scripts(s).stream().map(TextNode::valueOf).toList());
            ArrayNode classes = split.putArray("classes");
            for (Letter l : letters.get(s)) {
                ObjectNode c = classes.addObject();
                c.put("name", l.className()).put("script", l.script()).put("code_point", l.codePoint()).put("base_font", l.baseFont());
                ArrayNode fi = c.putArray("fonts");
                Arrays.stream(l.fonts()).forEach(fi::add);
            }
        }
        return root;
    }

    /** The split of a manifest, or null when it does not belong to these fonts (then it is rebuilt). */
    private static Map<Split, List<Letter>> fromManifest(JsonNode m, List<FontFile> fonts, String hash) {
        if (!VERSION.equals(m.path("version").asText()) || !hash.equals(m.path("hash").asText())
            || m.path("fonts").size() != fonts.size()) {
            return null;
        }
        for (int i = 0; i < fonts.size(); i++) {
            if (!fonts.get(i).name().equals(m.path("fonts").get(i).asText())) {
                return null;
            }
        }
        Map<Split, List<Letter>> result = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<Letter> list = new ArrayList<>();
            for (JsonNode c : m.path("splits").path(s.name().toLowerCase(Locale.ROOT)).path("classes")) {
                int[] fi = new int[c.path("fonts").size()];
                for (int i = 0; i < fi.length; i++) {
                    fi[i] = c.path("fonts").get(i).asInt();
                    if (fi[i] < 0 || fi[i] >= fonts.size()) {
                        return null;
                    }
                }
                list.add(new Letter(c.path("script").asText(), c.path("code_point").asInt(), fi, c.path("base_font").asInt()));
            }
            result.put(s, List.copyOf(list));
        }
        return result;
    }

    private static List<FontFile> readCmaps(List<Path> paths) {
        return paths.parallelStream().map(p -> {
            try {
                return new FontFile(p, p.getFileName().toString(), Files.size(p), CmapReader.codePoints(p));
            } catch (IOException | RuntimeException e) {
                // An unreadable or malformed font contributes no letters.
                return new FontFile(p, p.getFileName().toString(), sizeOf(p), new int[0]);
            }
        }).toList();
    }

    private Map<Split, List<Letter>> buildSplits() {
        BitSet mapped = new BitSet(Character.MAX_CODE_POINT + 1);
        for (FontFile f : fontFiles) {
            for (int cp : f.codePoints()) {
                mapped.set(cp);
            }
        }
        BitSet isLetter = new BitSet(Character.MAX_CODE_POINT + 1);
        mapped.stream().filter(GlyphsDataset::isLetter).forEach(isLetter::set);
        // code point -> indices of the (upright) fonts that map it
        TreeMap<Integer, List<Integer>> fontsOf = new TreeMap<>();
        for (int f = 0; f < fontFiles.size(); f++) {
            if (fontFiles.get(f).name().contains("Italic")) {
                continue; // italic shapes differ from upright ones (Cyrillic especially); shear jitter slants instead
            }
            for (int cp : fontFiles.get(f).codePoints()) {
                if (isLetter.get(cp)) {
                    fontsOf.computeIfAbsent(cp, k -> new ArrayList<>()).add(f);
                }
            }
        }
        // Only the first letters of large scripts (logographies such as Tangut have thousands): a little
        // more than the cap is rendered, since duplicates are dropped before cutting to the cap.
        int candidatesPerScript = maxLettersPerScript + maxLettersPerScript / 4 + MIN_LETTERS;
        Map<String, Integer> candidateCount = new HashMap<>();
        List<Letter> candidates = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : fontsOf.entrySet()) {
            String script = scriptName(e.getKey());
            if (candidateCount.merge(script, 1, Integer::sum) > candidatesPerScript) {
                continue;
            }
            int[] fonts = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            int base = Arrays.stream(fonts).boxed().min(Comparator.comparing(this::baseFontKey)).orElseThrow();
            candidates.add(new Letter(script, e.getKey(), fonts, base));
        }
        // Base renderings, to drop blank letters and letters that look exactly like another of their script.
        List<byte[]> base = IntStream.range(0, candidates.size()).parallel()
            .mapToObj(i -> baseBitmap(candidates.get(i))).toList();
        Map<String, List<Letter>> byScript = new TreeMap<>();
        Map<String, Set<String>> seen = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            Letter letter = candidates.get(i);
            byte[] bitmap = base.get(i);
            if (bitmap == null) {
                continue;
            }
            String key = HexFormat.of().formatHex(bitmap);
            List<Letter> ofScript = byScript.computeIfAbsent(letter.script(), s -> new ArrayList<>());
            if (ofScript.size() < maxLettersPerScript && seen.computeIfAbsent(letter.script(), s -> new HashSet<>()).add(key)) {
                ofScript.add(letter);
            }
        }
        byScript.values().removeIf(l -> l.size() < MIN_LETTERS);
        Map<String, Integer> sizes = byScript.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
        Map<String, Split> assignment = GroupSplitter.assign(sizes, splitSeed, SPLIT_FRACTIONS);
        Map<Split, List<Letter>> result = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<Letter> inSplit = new ArrayList<>();
            byScript.forEach((script, l) -> {
                if (assignment.get(script) == s) {
                    inSplit.addAll(l);
                }
            });
            result.put(s, List.copyOf(inSplit));
        }
        return result;
    }

    static boolean isLetter(int cp) {
        if (!Character.isLetter(cp)) {
            return false;
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        if (script == Character.UnicodeScript.COMMON || script == Character.UnicodeScript.INHERITED
            || script == Character.UnicodeScript.UNKNOWN) {
            return false;
        }
        return Normalizer.isNormalized(new String(Character.toChars(cp)), Normalizer.Form.NFKD);
    }

    /** {@code OLD_ITALIC} -> {@code Old_Italic}. */
    static String scriptName(int cp) {
        String[] words = Character.UnicodeScript.of(cp).name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (!sb.isEmpty()) {
                sb.append('_');
            }
            sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return sb.toString();
    }

    /** The base font: a Regular, sans-serif, most generic (shortest-named) font that has the letter. */
    private String baseFontKey(int fontIndex) {
        String name = fontFiles.get(fontIndex).name();
        int regular = name.contains("-Regular.") ? 0 : 1;
        int sans = name.contains("Sans") ? 0 : 1;
        return String.format(Locale.ROOT, "%d%d%04d%s", regular, sans, name.length(), name);
    }

    private byte[] baseBitmap(Letter letter) {
        Shape outline = baseRenderer.outline(font(letter.baseFont()), letter.codePoint());
        if (outline == null) {
            return null;
        }
        float[] pixels = baseRenderer.render(outline, GlyphAugmentation.NONE);
        byte[] q = new byte[pixels.length];
        double ink = 0;
        for (int i = 0; i < pixels.length; i++) {
            q[i] = (byte) Math.round(pixels[i] * 255);
            ink += pixels[i];
        }
        return ink < 1.0 ? null : q;
    }

    private Font font(int index) {
        return loadedFonts.computeIfAbsent(index, i -> {
            FontFile f = fontFiles.get(i);
            try {
                return Font.createFont(Font.TRUETYPE_FONT, f.path().toFile());
            } catch (FontFormatException | IOException e) {
                throw new IllegalStateException("cannot load font " + f.path() + ": " + e.getMessage()
                    + "; reinstall it or remove it from " + fontDir, e);
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    /** SHA-256 over the font files (name, size, content digest), the render parameters, version, split seed and examples per class. */
    @Override
    public String hash() {
        String h = hash;
        if (h == null) {
            h = computeHash();
            hash = h;
        }
        return h;
    }

    private String computeHash() {
        return computeHash(fontFiles, params, splitSeed, examplesPerClass, maxLettersPerScript);
    }

    private static String computeHash(List<FontFile> fontFiles, GlyphRenderParams params, long splitSeed,
                                      int examplesPerClass, int maxLettersPerScript) {
        try {
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            update(all, VERSION + "\n" + params + "\nsplitSeed=" + splitSeed + "\nexamplesPerClass=" + examplesPerClass
                + "\nmaxLettersPerScript=" + maxLettersPerScript + "\n");
            List<byte[]> digests = fontFiles.parallelStream().map(GlyphsDataset::fileDigest).toList();
            for (int i = 0; i < fontFiles.size(); i++) {
                FontFile f = fontFiles.get(i);
                update(all, f.name() + "\t" + f.size() + "\t" + HexFormat.of().formatHex(digests.get(i)) + "\n");
            }
            return HexFormat.of().formatHex(all.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] fileDigest(FontFile f) {
        try (InputStream in = Files.newInputStream(f.path())) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read font " + f.path() + " for the data set hash", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
        }
    }

    @Override
    public int height() {
        return params.size();
    }

    @Override
    public int width() {
        return params.size();
    }

    @Override
    public List<String> classNames(Split split) {
        return letters.get(split).stream().map(Letter::className).toList();
    }

    @Override
    public List<String> groupNames(Split split) {
        return letters.get(split).stream().map(Letter::script).toList();
    }

    /** The scripts (alphabets) of a split, sorted. */
    public List<String> scripts(Split split) {
        return letters.get(split).stream().map(Letter::script).distinct().sorted().toList();
    }

    @Override
    public int examplesPerClass(Split split, int classIndex) {
        Objects.checkIndex(classIndex, letters.get(split).size());
        return examplesPerClass;
    }

    @Override
    public float[][] examples(Split split, int classIndex) {
        AtomicReferenceArray<float[][]> c = cache.get(split);
        Objects.checkIndex(classIndex, c.length());
        float[][] images = c.get(classIndex);
        if (images == null) {
            images = render(letters.get(split).get(classIndex));
            if (!c.compareAndSet(classIndex, null, images)) {
                images = c.get(classIndex);
            }
        }
        float[][] copy = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            copy[i] = images[i].clone();
        }
        return copy;
    }

    private float[][] render(Letter letter) {
        byte[][] bytes = diskCache == null ? null
            : diskCache.readClass(letter.codePoint(), examplesPerClass, height(), width()).orElse(null);
        if (bytes == null) {
            bytes = quantise(renderFloats(letter));
            if (diskCache != null) {
                diskCache.writeClass(letter.codePoint(), bytes, height(), width());
            }
        }
        float[][] images = new float[bytes.length][];
        for (int e = 0; e < bytes.length; e++) {
            images[e] = new float[bytes[e].length];
            for (int i = 0; i < images[e].length; i++) {
                images[e][i] = (bytes[e][i] & 0xFF) / 255f;
            }
        }
        return images;
    }

    private static byte[][] quantise(float[][] images) {
        byte[][] out = new byte[images.length][];
        for (int e = 0; e < images.length; e++) {
            out[e] = new byte[images[e].length];
            for (int i = 0; i < images[e].length; i++) {
                out[e][i] = (byte) Math.round(Math.max(0f, Math.min(1f, images[e][i])) * 255f);
            }
        }
        return out;
    }

    /** The on-disk cache folder of this data set, or null when it has none. */
    public Path cacheDir() {
        return diskCache == null ? null : diskCache.dir();
    }

    private float[][] renderFloats(Letter letter) {
        Map<Integer, Shape> outlines = new HashMap<>();
        Shape baseOutline = renderer.outline(font(letter.baseFont()), letter.codePoint());
        float[][] images = new float[examplesPerClass][];
        for (int e = 0; e < examplesPerClass; e++) {
            SplittableRandom rng = new SplittableRandom(SeedMix.of(RENDER_SEED, letter.codePoint(), e));
            int fontIndex = letter.fonts()[rng.nextInt(letter.fonts().length)];
            Shape outline = outlines.computeIfAbsent(fontIndex, f -> {
                Shape s = renderer.outline(font(f), letter.codePoint());
                return s != null ? s : baseOutline;
            });
            GlyphAugmentation aug = GlyphAugmentation.sample(rng, params);
            if (aug.strokeChange() > 0 && fontFiles.get(fontIndex).name().contains("Bold")) {
                aug = aug.withStrokeChange(0); // bold and thickened clogs complex letters
            }
            images[e] = renderer.render(outline, aug);
        }
        return images;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("glyphs(" + fontDir + ", splitSeed=" + splitSeed + ":");
        for (Split s : Split.values()) {
            sb.append(' ').append(s).append('=').append(scripts(s).size()).append(" scripts/")
                .append(letters.get(s).size()).append(" classes");
        }
        return sb.append(')').toString();
    }
}

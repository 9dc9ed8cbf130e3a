package dev.metascale.core.spec;

import dev.metascale.core.spec.TrialGrid.Axis;
import dev.metascale.core.spec.TrialGrid.Choice;
import dev.metascale.core.spec.TrialGrid.Setting;
import dev.metascale.core.spec.YamlNode.Mapping;
import dev.metascale.core.spec.YamlNode.Position;
import dev.metascale.core.spec.YamlNode.Scalar;
import dev.metascale.core.spec.YamlNode.Sequence;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a suite YAML file, validates it and expands its grid into trials.
 *
 * <p>The format (the README's "Suites"): {@code name}, optional {@code description}, {@code timeout_s},
 * {@code defaults} (the keys of {@link Schema#FIELDS}: {@code dataset}, {@code seeds},
 * {@code fault} and the sections {@code sampler}, {@code model}, {@code algorithm}, {@code train},
 * {@code eval}, {@code techniques}), {@code seeds} (here or in defaults) and {@code sweep}: axes
 * such as {@code algorithm.name: [maml, fomaml]} or {@code algorithm: [{name: maml}, {...}]}, each
 * value applied over the defaults. Every combination of the axes (last axis fastest) runs with
 * every seed (seeds outermost).
 *
 * <p>Every problem is collected, with its line, column and dotted key, before
 * {@link InvalidSuiteException} is thrown.
 */
public final class SuiteLoader {
    private static final List<String> TOP_LEVEL_KEYS = List.of("name", "description", "timeout_s", "seeds", "defaults", "sweep", "tune");
    private static final Pattern SUITE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Problems problems;
    private String name;
    private int timeoutS = (Integer) Schema.TIMEOUT.defaultValue();
    private Position defaultsAt = Position.START;
    private final Map<String, Setting> defaults = new LinkedHashMap<>();
    private Mapping.Entry topLevelSeeds;
    private Mapping.Entry defaultsSeeds;
    private Position sweepAt = Position.START;
    private final List<Axis> axes = new ArrayList<>();
    private Mapping.Entry tuneEntry;
    private dev.metascale.core.tune.TuneSpec tune;

    private SuiteLoader(String fileName) {
        this.problems = new Problems(fileName);
    }

    /**
     * Reads, validates and expands the suite in {@code file}. A missing file is reported as an
     * invalid suite.
     *
     * @throws InvalidSuiteException with every problem found, each located by line and column
     * @throws IOException           when the file exists but cannot be read
     */
    public static Suite load(Path file) throws InvalidSuiteException, IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw single(file.toString(), "file not found; check the path");
        } catch (MalformedInputException e) {
            throw single(file.toString(), "the file is not UTF-8 text; save it as UTF-8");
        }
        return parse(text, file.toString(), file);
    }

    /**
     * Validates and expands the suite written in {@code yamlText}; {@code fileName} is used in
     * error messages and as {@link Suite#file()}.
     *
     * @throws InvalidSuiteException with every problem found, each located by line and column
     */
    public static Suite parse(String yamlText, String fileName) throws InvalidSuiteException {
        return parse(yamlText, fileName, Path.of(fileName));
    }

    private static Suite parse(String yamlText, String fileName, Path file) throws InvalidSuiteException {
        SuiteLoader loader = new SuiteLoader(fileName);
        List<TrialSpec> trials = loader.read(yamlText);
        if (loader.tune != null && loader.problems.isEmpty()) {
            new TuneBlockReader(loader.problems).check(loader.tune, trials, loader.tuneEntry);
        }
        loader.problems.throwIfAny();
        return new Suite(loader.name, file, trials, loader.tune);
    }

    private static InvalidSuiteException single(String fileName, String reason) {
        return new InvalidSuiteException(List.of(new SpecError(fileName, 1, 1, YamlReader.DOCUMENT, reason)));
    }

    private List<TrialSpec> read(String yamlText) {
        Optional<YamlNode> root = YamlReader.read(yamlText, problems);
        if (!problems.isEmpty()) {
            return List.of();
        }
        if (root.isEmpty() || root.get() instanceof Scalar s && s.isNull()) {
            problems.add(Position.START, YamlReader.DOCUMENT,
                    "the file is empty; a suite needs at least `name:` (see Suites in the README, or suites/quick.yaml)");
            return List.of();
        }
        if (!(root.get() instanceof Mapping top)) {
            problems.add(root.get().at(), YamlReader.DOCUMENT, "expected a map of suite keys ("
                    + String.join(", ", TOP_LEVEL_KEYS) + "), got " + root.get().describe());
            return List.of();
        }
        for (Mapping.Entry entry : top.entries()) {
            switch (entry.key()) {
                case "name" -> readName(entry.value());
                case "description" -> readDescription(entry.value());
                case "timeout_s" -> readTimeout(entry.value());
                case "seeds" -> topLevelSeeds = entry;
                case "defaults" -> readDefaults(entry);
                case "sweep" -> readSweep(entry);
                case "tune" -> {
                    tuneEntry = entry;
                    tune = new TuneBlockReader(problems).read(entry).orElse(null);
                }
                default -> problems.add(entry.keyAt(), entry.key(), defaultsKeys().contains(entry.key())
                        ? "'" + entry.key() + "' is not a top-level key; move it under defaults: (or sweep it under sweep:)"
                        : Schema.unknownKey(entry.key(), TOP_LEVEL_KEYS));
            }
        }
        if (top.entry("name").isEmpty()) {
            problems.add(Position.START, "name", "missing; every suite needs a name, e.g. `name: tiny`");
        }
        List<Long> seeds = readSeeds();
        if (seeds.isEmpty()) {
            return List.of();
        }
        return new TrialGrid(name, timeoutS, defaults, defaultsAt, axes, problems).expand(seeds, sweepAt);
    }

    private void readName(YamlNode node) {
        if (node instanceof Scalar s && !s.isNull() && SUITE_NAME.matcher(s.text()).matches()) {
            name = s.text();
        } else {
            problems.add(node.at(), "name", "expected a name of letters, digits, '.', '_' and '-', got " + node.describe());
        }
    }

    private void readDescription(YamlNode node) {
        if (!(node instanceof Scalar s) || !(s.value() instanceof String)) {
            problems.add(node.at(), "description", "expected a string, got " + node.describe());
        }
    }

    private void readTimeout(YamlNode node) {
        Object value = Schema.TIMEOUT.read(node, "timeout_s", problems);
        if (value != Schema.INVALID) {
            timeoutS = (Integer) value;
        }
    }

    // ---------------------------------------------------------------- defaults

    private void readDefaults(Mapping.Entry defaultsEntry) {
        defaultsAt = defaultsEntry.keyAt();
        YamlNode node = defaultsEntry.value();
        if (isAbsent(node)) {
            return;
        }
        if (!(node instanceof Mapping map)) {
            problems.add(node.at(), "defaults", "expected a map of defaults (" + String.join(", ", defaultsKeys())
                    + "), got " + node.describe());
            return;
        }
        for (Mapping.Entry entry : map.entries()) {
            String key = "defaults." + entry.key();
            if (Schema.sections().contains(entry.key())) {
                readSection(entry.key(), entry.value(), key, false).forEach(defaults::put);
            } else if (Schema.keysOf("").contains(entry.key())) {
                if (entry.key().equals("seeds")) {
                    defaultsSeeds = entry;
                } else {
                    Schema.Field field = Schema.field(entry.key()).orElseThrow();
                    defaults.put(field.path(), new Setting(field.read(entry.value(), key, problems), entry.value(), key, false));
                }
            } else {
                problems.add(entry.keyAt(), key, Schema.unknownKey(entry.key(), defaultsKeys()));
            }
        }
    }

    private static List<String> defaultsKeys() {
        return Stream.concat(Schema.keysOf("").stream(), Schema.sections().stream()).toList();
    }

    /**
     * The settings written in one section map ({@code {kind: fixed, ways: 5}}), by schema path,
     * reported under {@code key}.
     */
    private Map<String, Setting> readSection(String section, YamlNode node, String key, boolean swept) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        if (isAbsent(node) && !swept) {
            return settings;
        }
        if (!(node instanceof Mapping map)) {
            String hint = swept ? "; to sweep one key write '" + section + "." + Schema.keysOf(section).get(0) + ": [...]'" : "";
            problems.add(node.at(), key, "expected a map of " + section + " keys (" + String.join(", ", Schema.keysOf(section))
                    + "), got " + node.describe() + hint);
            return settings;
        }
        for (Mapping.Entry entry : map.entries()) {
            String entryKey = key + "." + entry.key();
            Optional<Schema.Field> field = Schema.field(section + "." + entry.key());
            if (field.isEmpty()) {
                problems.add(entry.keyAt(), entryKey, Schema.unknownKey(entry.key(), Schema.keysOf(section)));
            } else {
                Object value = field.get().read(entry.value(), entryKey, problems);
                settings.put(field.get().path(), new Setting(value, entry.value(), entryKey, swept));
            }
        }
        return settings;
    }

    // ---------------------------------------------------------------- seeds

    private List<Long> readSeeds() {
        Schema.Field field = Schema.field("seeds").orElseThrow();
        if (topLevelSeeds != null && defaultsSeeds != null) {
            problems.add(topLevelSeeds.keyAt(), "seeds", "seeds are also given in defaults (line "
                    + defaultsSeeds.keyAt().line() + "); keep one of them");
            return List.of();
        }
        Mapping.Entry entry = topLevelSeeds != null ? topLevelSeeds : defaultsSeeds;
        if (entry == null) {
            @SuppressWarnings("unchecked")
            List<Long> fallback = (List<Long>) field.defaultValue();
            return fallback;
        }
        String key = entry == topLevelSeeds ? "seeds" : "defaults.seeds";
        Object value = field.read(entry.value(), key, problems);
        if (value == Schema.INVALID) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Long> seeds = (List<Long>) value;
        if (seeds.isEmpty()) {
            problems.add(entry.value().at(), key, "no seeds; give at least one, e.g. [0]");
        }
        Set<Long> seen = new HashSet<>();
        List<YamlNode> items = ((Sequence) entry.value()).items();
        for (int i = 0; i < seeds.size(); i++) {
            if (!seen.add(seeds.get(i))) {
                problems.add(items.get(i).at(), key + "[" + i + "]", "seed " + seeds.get(i) + " is listed twice; each seed runs once");
            }
        }
        return problems.isEmpty() ? seeds : List.of();
    }

    // ---------------------------------------------------------------- sweep

    private void readSweep(Mapping.Entry sweepEntry) {
        sweepAt = sweepEntry.keyAt();
        YamlNode node = sweepEntry.value();
        if (isAbsent(node)) {
            return;
        }
        if (!(node instanceof Mapping map)) {
            problems.add(node.at(), "sweep", "expected a map of sweep axes (key: [values]), got " + node.describe());
            return;
        }
        Map<String, Mapping.Entry> sweptBy = new HashMap<>();
        for (Mapping.Entry entry : map.entries()) {
            String key = "sweep." + entry.key();
            boolean section = Schema.sections().contains(entry.key());
            Optional<Schema.Field> field = Schema.field(entry.key());
            if (entry.key().equals("seeds")) {
                problems.add(entry.keyAt(), key, "seeds cannot be swept; list them in `seeds:` (every configuration runs with every seed)");
                continue;
            }
            if (!section && field.isEmpty()) {
                problems.add(entry.keyAt(), key, Schema.unknownKey(entry.key(), sweepableKeys()));
                continue;
            }
            if (!(entry.value() instanceof Sequence values) || values.items().isEmpty()) {
                problems.add(entry.value().at(), key, entry.value() instanceof Sequence
                        ? "the list of values is empty; give at least one value or remove the axis"
                        : "expected a list of values to sweep, got " + entry.value().describe());
                continue;
            }
            List<Choice> choices = new ArrayList<>();
            for (int i = 0; i < values.items().size(); i++) {
                YamlNode value = values.items().get(i);
                String valueKey = key + "[" + i + "]";
                Map<String, Setting> settings = section
                        ? readSection(entry.key(), value, valueKey, true)
                        : Map.of(entry.key(), readSweptValue(field.get(), value, valueKey));
                choices.add(new Choice(entry.key() + "[" + i + "]=" + value.render(), value.at(), valueKey, settings));
                for (String path : settings.keySet()) {
                    Mapping.Entry other = sweptBy.putIfAbsent(path, entry);
                    if (other != null && other != entry) {
                        problems.add(value.at(), valueKey, "'" + path + "' is already swept by '" + other.key() + "' (line "
                                + other.keyAt().line() + "); sweep each key in one axis only");
                    }
                }
            }
            axes.add(new Axis(entry.key(), entry.keyAt(), choices));
        }
    }

    private Setting readSweptValue(Schema.Field field, YamlNode value, String key) {
        boolean listField = field.kind() == Schema.Kind.INT_LIST || field.kind() == Schema.Kind.LONG_LIST;
        if (listField && !(value instanceof Sequence)) {
            problems.add(value.at(), key, "expected " + field.kind().expected + ", got " + value.describe()
                    + "; to sweep " + field.path() + " give a list of lists, e.g. [[64], [128, 128]]");
            return new Setting(Schema.INVALID, value, key, true);
        }
        return new Setting(field.read(value, key, problems), value, key, true);
    }

    private static List<String> sweepableKeys() {
        return Stream.concat(Schema.FIELDS.stream().map(Schema.Field::path).filter(p -> !p.equals("seeds")),
                Schema.sections().stream()).toList();
    }

    private static boolean isAbsent(YamlNode node) {
        return node instanceof Scalar s && s.isNull();
    }
}

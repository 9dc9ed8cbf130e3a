package dev.metascale.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Your own texts as a few-shot classification data set ({@code text-table}): a CSV file (RFC 4180:
 * a header row, comma-separated, fields optionally in double quotes with {@code ""} for a quote and
 * line breaks allowed inside quotes) or a JSONL file (one JSON object per line; {@code .jsonl} or
 * {@code .ndjson}), UTF-8, with a text column and a label column. Each distinct label is a class.
 *
 * <p>Suites name the data set {@code text-table}; the file is given by the environment variable
 * {@value #ENV}, the columns by {@value #TEXT_ENV} (default {@code text}) and {@value #LABEL_ENV}
 * (default {@code label}); worker processes inherit them. Classes are split train/val/test about
 * 70/10/20 % by the split seed (each class its own group of {@link GroupSplitter}); a class with
 * fewer examples than an episode needs is named by the sampler (or skipped with
 * {@code sampler.skip_small_classes: true}). The content hash covers the file's bytes, the column
 * names and the split seed. Texts are tokenised as {@link TextDataset} says.
 */
public final class TextTableDataset {
    public static final String NAME = "text-table";
    public static final String ENV = "METASCALE_TEXT_TABLE";
    public static final String TEXT_ENV = "METASCALE_TEXT_COLUMN";
    public static final String LABEL_ENV = "METASCALE_LABEL_COLUMN";
    static final String VERSION = "text-table-1";

    private TextTableDataset() {
    }

    /** Opens the table named by {@value #ENV} with the columns of {@value #TEXT_ENV} and {@value #LABEL_ENV}. */
    public static FewShotDataset openFromEnvironment(long splitSeed) {
        String file = System.getenv(ENV);
        if (file == null || file.isBlank()) {
            throw new DatasetUnavailableException("text-table needs your table: set " + ENV + "=/path/to/file.csv (or .jsonl)"
                + " with a text and a label column (names in " + TEXT_ENV + " and " + LABEL_ENV + ", default text and label)");
        }
        return open(Path.of(file), envOr(TEXT_ENV, "text"), envOr(LABEL_ENV, "label"), splitSeed, GlyphCache.defaultRoot());
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /**
     * Reads the table and tokenises its texts.
     *
     * @throws DatasetUnavailableException when the file is missing
     * @throws CorruptDataException naming the file (and line) for undecodable text, a missing column
     *     (the message lists the columns found), a malformed row or an empty table
     */
    public static TextDataset open(Path file, String textColumn, String labelColumn, long splitSeed, Path cacheRoot) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetUnavailableException("text-table: " + file + " is not a file; set " + ENV
                + " to a CSV or JSONL file with a text and a label column");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CorruptDataException(file, "cannot read (" + e.getMessage() + ")", "check its permissions");
        }
        String content = decode(file, bytes);
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonl = lower.endsWith(".jsonl") || lower.endsWith(".ndjson");
        List<Row> rows = jsonl ? readJsonl(file, content, textColumn, labelColumn) : readCsv(file, content, textColumn, labelColumn);
        if (rows.isEmpty()) {
            throw new CorruptDataException(file, "holds no rows", "add rows with a text and a label");
        }
        Map<String, List<String>> byLabel = new TreeMap<>();
        rows.forEach(r -> byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r.text()));
        String hash = new ContentHash().text(VERSION).text("text=" + textColumn).text("label=" + labelColumn)
            .text("splitSeed=" + splitSeed).bytes(bytes).hex();
        return TextDataset.splitByClass(NAME, VERSION, hash, byLabel, splitSeed, cacheRoot);
    }

    record Row(String text, String label) {
    }

    /** Strict UTF-8; on failure names the first line that does not decode. */
    static String decode(Path file, byte[] bytes) {
        try {
            return strictUtf8(bytes, 0, bytes.length);
        } catch (CharacterCodingException e) {
            int line = 1;
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    try {
                        strictUtf8(bytes, start, i - start);
                    } catch (CharacterCodingException bad) {
                        throw new CorruptDataException(file, "line " + line + " is not valid UTF-8 text",
                            "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)");
                    }
                    line++;
                    start = i + 1;
                }
            }
            throw new CorruptDataException(file, "is not valid UTF-8 text", "save the file as UTF-8");
        }
    }

    private static String strictUtf8(byte[] bytes, int from, int length) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, length)).toString();
    }

    private static List<Row> readJsonl(Path file, String content, String textColumn, String labelColumn) {
        List<Row> rows = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new CorruptDataException(file, "line " + (n + 1) + " is not a JSON object ("
                    + e.getMessage().lines().findFirst().orElse("") + ")", "write one JSON object per line");
            }
            if (node == null || !node.isObject()) {
                throw new CorruptDataException(file, "line " + (n + 1) + " is not a JSON object", "write one JSON object per line");
            }
            List<String> found = new ArrayList<>();
            node.fieldNames().forEachRemaining(found::add);
            String text = field(file, n + 1, node, textColumn, TEXT_ENV, found);
            String label = field(file, n + 1, node, labelColumn, LABEL_ENV, found);
            rows.add(row(file, n + 1, text, label));
        }
        return rows;
    }

    private static String field(Path file, int line, JsonNode node, String column, String env, List<String> found) {
        JsonNode v = node.get(column);
        if (v == null || v.isNull()) {
            throw new CorruptDataException(file, "line " + line + " has no field '" + column + "'; fields found: " + found,
                "name the column in " + env + " or add the field");
        }
        if (!v.isValueNode()) {
            throw new CorruptDataException(file, "line " + line + ": field '" + column + "' is not a string or number",
                "write the " + column + " as a string");
        }
        return v.asText();
    }

    private static Row row(Path file, int line, String text, String label) {
        if (text.isBlank()) {
            throw new CorruptDataException(file, "line " + line + " has an empty text", "remove the row or fill in its text");
        }
        if (label.isBlank()) {
            throw new CorruptDataException(file, "line " + line + " has an empty label", "remove the row or fill in its label");
        }
        return new Row(text, label.strip());
    }

    private static List<Row> readCsv(Path file, String content, String textColumn, String labelColumn) {
        List<CsvRecord> records = parseCsv(file, content);
        if (records.isEmpty()) {
            throw new CorruptDataException(file, "is empty (no header row)", "write a header row naming the columns, then the rows");
        }
        List<String> header = records.get(0).fields();
        int textIndex = header.indexOf(textColumn);
        int labelIndex = header.indexOf(labelColumn);
        for (String[] missing : new String[][]{{textColumn, TEXT_ENV}, {labelColumn, LABEL_ENV}}) {
            if (!header.contains(missing[0])) {
                throw new CorruptDataException(file, "has no column '" + missing[0] + "'; columns found: " + header,
                    "name the column in " + missing[1] + " or rename it in the header");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (CsvRecord r : records.subList(1, records.size())) {
            if (r.fields().size() == 1 && r.fields().get(0).isEmpty()) {
                continue; // blank line
            }
            if (r.fields().size() != header.size()) {
                throw new CorruptDataException(file, "line " + r.line() + " has " + r.fields().size() + " fields, the header "
                    + header.size(), "quote fields that contain commas");
            }
            rows.add(row(file, r.line(), r.fields().get(textIndex), r.fields().get(labelIndex)));
        }
        return rows;
    }

    /** One CSV record and the line it starts on. */
    record CsvRecord(int line, List<String> fields) {
    }

    /** RFC 4180 records; a trailing carriage return of a line is dropped. */
    static List<CsvRecord> parseCsv(Path file, String s) {
        List<CsvRecord> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        boolean quoted = false;
        boolean any = false;
        int i = s.startsWith("\uFEFF") ? 1 : 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(stripCr(field));
                records.add(new CsvRecord(recordLine, List.copyOf(fields)));
                fields.clear();
                field.setLength(0);
                line++;
                recordLine = line;
                any = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new CorruptDataException(file, "a quoted field opened on line " + recordLine + " is never closed",
                "close the quote with \"");
        }
        if (any) {
            fields.add(stripCr(field));
            records.add(new CsvRecord(recordLine, List.copyOf(fields)));
        }
        return records;
    }

    private static String stripCr(StringBuilder b) {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
    }
}

package dev.metascale.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.metascale.core.spec.YamlNode.Mapping;
import dev.metascale.core.spec.YamlNode.Position;
import dev.metascale.core.spec.YamlNode.Scalar;
import dev.metascale.core.spec.YamlNode.Sequence;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads YAML text into {@link YamlNode}s by walking Jackson's YAML token stream, keeping the line
 * and column of every key and value. Syntax errors, aliases, duplicate keys and extra documents
 * are reported to {@link Problems}.
 */
final class YamlReader {
    /** Key used for problems of the document as a whole. */
    static final String DOCUMENT = "(document)";

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final YAMLParser parser;
    private final Problems problems;

    private YamlReader(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The document's root value, or empty when the text holds no value or cannot be parsed. */
    static Optional<YamlNode> read(String text, Problems problems) {
        try (YAMLParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            YamlReader reader = new YamlReader(parser, problems);
            YamlNode root = reader.value("");
            if (parser.nextToken() != null) {
                problems.add(reader.position(), DOCUMENT,
                        "a second YAML document starts here; a suite file holds one document (remove the '---')");
            }
            return Optional.of(root);
        } catch (Unsupported e) {
            problems.add(e.at, DOCUMENT, e.getMessage());
            return Optional.empty();
        } catch (StreamReadException e) {
            problems.add(syntaxErrorPosition(e), DOCUMENT, syntaxErrorReason(e));
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading YAML from a string failed", e);
        }
    }

    private YamlNode value(String path) throws IOException {
        Position at = position();
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            List<Mapping.Entry> entries = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                Position keyAt = position();
                parser.nextToken();
                String keyPath = path.isEmpty() ? key : path + "." + key;
                YamlNode value = value(keyPath);
                Optional<Mapping.Entry> earlier = entries.stream().filter(e -> e.key().equals(key)).findFirst();
                if (earlier.isPresent()) {
                    problems.add(keyAt, keyPath, "duplicate key; '" + key + "' is already set at line "
                            + earlier.get().keyAt().line() + " (remove one of them)");
                } else {
                    entries.add(new Mapping.Entry(key, keyAt, value));
                }
            }
            return new Mapping(List.copyOf(entries), at);
        }
        if (token == JsonToken.START_ARRAY) {
            List<YamlNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(value(path + "[" + items.size() + "]"));
            }
            return new Sequence(List.copyOf(items), at);
        }
        if (parser.isCurrentAlias()) {
            throw new Unsupported(at, "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
        }
        String text = parser.getText() == null ? "" : parser.getText();
        Object value = switch (token) {
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> text;
        };
        return new Scalar(token, text, value, at);
    }

    private Position position() {
        JsonLocation location = parser.currentTokenLocation();
        return new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    private static Position syntaxErrorPosition(StreamReadException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark mark = marked.getProblemMark();
            return new Position(mark.getLine() + 1, mark.getColumn() + 1);
        }
        JsonLocation location = e.getLocation();
        return location == null ? Position.START
                : new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    private static String syntaxErrorReason(StreamReadException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            return "YAML syntax error: " + marked.getProblem() + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")");
        }
        String message = e.getOriginalMessage();
        return "unreadable value: " + (message == null ? "unknown cause" : message.lines().findFirst().orElse(message));
    }

    /** A YAML feature the loader does not accept; stops reading. */
    private static final class Unsupported extends RuntimeException {
        private final Position at;

        Unsupported(Position at, String message) {
            super(message);
            this.at = at;
        }
    }
}

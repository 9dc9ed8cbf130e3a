package dev.metascale.core.spec;

import com.fasterxml.jackson.core.JsonToken;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A YAML value with the place it was written, so that every problem can be reported at its line
 * and column. Produced by {@link YamlReader}; only the loader uses it.
 */
sealed interface YamlNode {

    /** 1-based line and column in the suite file. */
    record Position(int line, int column) {
        static final Position START = new Position(1, 1);
    }

    Position at();

    /** How the value reads in an error message, e.g. {@code 'five'} or {@code a list}. */
    String describe();

    /** The value written back in YAML flow style, for naming a sweep value in a message. */
    String render();

    /**
     * A scalar. {@code value} is an {@link Integer}/{@link Long}/{@link java.math.BigInteger} for
     * integers, a {@link Double} for floats, a {@link Boolean}, a {@link String}, or null.
     */
    record Scalar(JsonToken token, String text, Object value, Position at) implements YamlNode {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        @Override
        public String describe() {
            return isNull() && text.isEmpty() ? "nothing" : "'" + text + "'";
        }

        @Override
        public String render() {
            return text;
        }
    }

    /** A list. */
    record Sequence(List<YamlNode> items, Position at) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public String render() {
            return items.stream().map(YamlNode::render).collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /** A map, its keys in file order (duplicates already rejected by the reader). */
    record Mapping(List<Entry> entries, Position at) implements YamlNode {
        /** One {@code key: value} pair; {@code keyAt} is where the key is written. */
        record Entry(String key, Position keyAt, YamlNode value) {
        }

        Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "a map";
        }

        @Override
        public String render() {
            return entries.stream().map(e -> e.key() + ": " + e.value().render())
                    .collect(Collectors.joining(", ", "{", "}"));
        }
    }
}

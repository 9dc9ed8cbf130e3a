package dev.metascale.core.component;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the rest of the system knows about a scaling technique without running it: its key under a suite's
 * {@code techniques:} section, what it does (paper and equation where there is one), the type, default and
 * bound of its setting, and the rules that tie it to the other settings of a trial (which learners and models it
 * applies to, which techniques it excludes). The suite schema, validation and `metascale list` read this one
 * place; the engine binds the implementation ({@code dev.metascale.engine.technique.Techniques}).
 *
 * @param key         the key under {@code techniques:} ({@code chunk})
 * @param description one line: what it does and where it comes from
 * @param setting     the type, default and bound of its value
 * @param constraints the rules over a trial's resolved settings that reject a combination it cannot apply to,
 *                    each with a reason that names the fix
 */
public record TechniqueDescriptor(String key, String description, Setting setting, List<Constraint> constraints) {

    public TechniqueDescriptor {
        Objects.requireNonNull(key, "key");
        constraints = List.copyOf(constraints);
    }

    /** The suite path of its setting, {@code techniques.<key>}. */
    public String path() {
        return "techniques." + key;
    }

    /** Whether {@code value} leaves the technique off (its default). */
    public boolean off(Object value) {
        return Objects.equals(value, setting.defaultValue());
    }

    /** The value types a technique's setting can have. */
    public enum Kind {
        /** A whole number of at least {@link Setting#minimum}. */
        INTEGER,
        /** true or false. */
        BOOLEAN,
        /** One of {@link Setting#choices}. */
        NAME,
        /** A segment count: true = 2, false = 0, or a count of at least {@link Setting#minimum}. */
        SEGMENTS
    }

    /** One allowed value of a {@link Kind#NAME} setting; an unavailable one is rejected with {@code whyUnavailable}. */
    public record Choice(String name, boolean available, String description, String whyUnavailable) {
        public static Choice available(String name, String description) {
            return new Choice(name, true, description, "");
        }
    }

    /**
     * The type of a technique's setting.
     *
     * @param kind         its type
     * @param defaultValue the value that leaves the technique off (Integer, Boolean or String)
     * @param minimum      the least whole number allowed (INTEGER, SEGMENTS)
     * @param choices      the allowed names (NAME); listed by `metascale list` when {@code listed}
     * @param listed       whether `metascale list` shows the choices
     */
    public record Setting(Kind kind, Object defaultValue, int minimum, List<Choice> choices, boolean listed) {
        public Setting {
            choices = List.copyOf(choices);
        }

        public static Setting integer(int defaultValue, int minimum) {
            return new Setting(Kind.INTEGER, defaultValue, minimum, List.of(), false);
        }

        public static Setting flag() {
            return new Setting(Kind.BOOLEAN, false, 0, List.of(), false);
        }

        public static Setting segments() {
            return new Setting(Kind.SEGMENTS, 0, 0, List.of(), false);
        }

        public static Setting names(String defaultValue, List<Choice> choices, boolean listed) {
            return new Setting(Kind.NAME, defaultValue, 0, choices, listed);
        }
    }

    /** A trial's resolved settings, by suite path ({@code algorithm.name}, {@code techniques.chunk}). */
    public interface Settings {
        int integer(String path);

        String text(String path);

        boolean bool(String path);

        /** A real-valued setting without a default ({@code train.until}): null when the suite does not set it. */
        default Double optionalReal(String path) {
            return null;
        }
    }

    /**
     * A rule over several settings of one trial.
     *
     * @param paths    the settings it reads (problems are reported at the first of them written in the suite)
     * @param violated whether a trial breaks it
     * @param reason   what is wrong and how to fix it
     */
    public record Constraint(List<String> paths, Predicate<Settings> violated, Function<Settings, String> reason) {
        public Constraint {
            paths = List.copyOf(paths);
        }
    }
}

package dev.metascale.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The on-disk cache of one glyphs data set, a folder named by its content hash:
 * {@code <root>/glyphs/<hash>/manifest.json} (the classes and their alphabet-level split, so a
 * second open needs neither the cmap scan nor the duplicate check) and
 * {@code <root>/glyphs/<hash>/classes/U+XXXX.bin} (the rendered 8-bit examples of one letter:
 * magic {@code MSG1}, int32 examples, height, width, then the bytes). The root is
 * {@code $METASCALE_CACHE} or {@code ~/.cache/metascale}. Files are written to a temporary name and
 * moved into place, so concurrent worker processes never read a half-written file. A cache that
 * cannot be written (read-only home) only costs speed; a damaged class file is re-rendered.
 */
final class GlyphCache {
    private static final int MAGIC = 0x4D534731; // "MSG1"
    private final Path dir;

    GlyphCache(Path root, String hash) {
        this.dir = root.resolve("glyphs").resolve(hash);
    }

    /** {@code $METASCALE_CACHE}, else {@code ~/.cache/metascale}. */
    static Path defaultRoot() {
        String env = System.getenv("METASCALE_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "metascale");
    }

    Path dir() {
        return dir;
    }

    Path manifestFile() {
        return dir.resolve("manifest.json");
    }

    Optional<JsonNode> readManifest() {
        try {
            return Files.isRegularFile(manifestFile()) ? Optional.of(Json.MAPPER.readTree(manifestFile().toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // damaged: rebuilt and rewritten by the caller
        }
    }

    void writeManifest(ObjectNode manifest) {
        try {
            write(manifestFile(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        } catch (IOException e) {
            // best effort: the next open rebuilds the split
        }
    }

    private Path classFile(int codePoint) {
        return dir.resolve("classes").resolve(String.format(Locale.ROOT, "U+%04X.bin", codePoint));
    }

    /** The cached examples of a letter, or empty when absent or damaged (wrong header or length). */
    Optional<byte[][]> readClass(int codePoint, int examples, int height, int width) {
        Path file = classFile(codePoint);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            int pixels = height * width;
            if (b.remaining() != 16 + examples * pixels || b.getInt() != MAGIC || b.getInt() != examples
                || b.getInt() != height || b.getInt() != width) {
                return Optional.empty();
            }
            byte[][] images = new byte[examples][pixels];
            for (byte[] image : images) {
                b.get(image);
            }
            return Optional.of(images);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void writeClass(int codePoint, byte[][] images, int height, int width) {
        ByteBuffer b = ByteBuffer.allocate(16 + images.length * height * width);
        b.putInt(MAGIC).putInt(images.length).putInt(height).putInt(width);
        for (byte[] image : images) {
            b.put(image);
        }
        try {
            write(classFile(codePoint), b.array());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Writes {@code bytes} to a temporary file beside {@code file}, then moves it into place (atomically where supported). */
    static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}

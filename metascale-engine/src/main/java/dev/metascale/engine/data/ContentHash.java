package dev.metascale.engine.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Builds the hex SHA-256 content hash of a data set from text fields and file contents. */
final class ContentHash {
    private final MessageDigest digest;

    ContentHash() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
        }
    }

    /** Adds a text field followed by a newline. */
    ContentHash text(String s) {
        digest.update(s.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        return this;
    }

    /** Adds a length-prefixed byte array. */
    ContentHash bytes(byte[] b) {
        text(Integer.toString(b.length));
        digest.update(b);
        return this;
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The hex SHA-256 of one byte array. */
    static String of(byte[] b) {
        return new ContentHash().bytes(b).hex();
    }
}

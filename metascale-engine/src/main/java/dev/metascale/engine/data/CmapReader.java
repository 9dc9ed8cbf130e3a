package dev.metascale.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads the Unicode code points a TrueType/OpenType font maps to a glyph, straight from its
 * {@code cmap} table (formats 4 and 12; the first font of a {@code .ttc} collection). This is
 * much faster than asking {@link java.awt.Font#canDisplay(int)} for every code point.
 */
final class CmapReader {
    private CmapReader() {
    }

    /** Sorted code points with a non-missing glyph; empty when the file has no usable Unicode cmap. */
    static int[] codePoints(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fontStart = 0;
            ByteBuffer head = read(ch, 0, 12);
            if (head.getInt(0) == 0x74746366) { // 'ttcf'
                fontStart = Integer.toUnsignedLong(read(ch, 12, 4).getInt(0));
                head = read(ch, fontStart, 12);
            }
            int numTables = head.getShort(4) & 0xFFFF;
            ByteBuffer dir = read(ch, fontStart + 12, numTables * 16);
            for (int t = 0; t < numTables; t++) {
                if (dir.getInt(t * 16) == 0x636D6170) { // 'cmap'
                    long offset = Integer.toUnsignedLong(dir.getInt(t * 16 + 8));
                    int length = dir.getInt(t * 16 + 12);
                    return parseCmap(read(ch, offset, length));
                }
            }
            return new int[0];
        }
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new IOException("font file truncated (wanted " + length + " bytes at " + position + ")");
            }
        }
        return buf.flip();
    }

    private static int[] parseCmap(ByteBuffer cmap) {
        int n = cmap.getShort(2) & 0xFFFF;
        int best = -1;
        int bestRank = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int platform = cmap.getShort(4 + i * 8) & 0xFFFF;
            int encoding = cmap.getShort(6 + i * 8) & 0xFFFF;
            int offset = cmap.getInt(8 + i * 8);
            int format = cmap.getShort(offset) & 0xFFFF;
            int rank = rank(platform, encoding, format);
            if (rank < bestRank) {
                bestRank = rank;
                best = offset;
            }
        }
        if (best < 0) {
            return new int[0];
        }
        int format = cmap.getShort(best) & 0xFFFF;
        return format == 12 ? format12(cmap, best) : format4(cmap, best);
    }

    /** Lower is better: full-repertoire Unicode tables first, then BMP ones. */
    private static int rank(int platform, int encoding, int format) {
        if (format == 12 && (platform == 3 && encoding == 10 || platform == 0)) {
            return 0;
        }
        if (format == 4 && (platform == 3 && encoding == 1 || platform == 0)) {
            return 1;
        }
        return Integer.MAX_VALUE;
    }

    private static int[] format12(ByteBuffer b, int at) {
        long groups = Integer.toUnsignedLong(b.getInt(at + 12));
        IntList out = new IntList();
        for (long g = 0; g < groups; g++) {
            int p = (int) (at + 16 + g * 12);
            int start = b.getInt(p);
            int end = b.getInt(p + 4);
            int glyph = b.getInt(p + 8);
            for (int c = start; c <= end && c <= Character.MAX_CODE_POINT; c++) {
                if (glyph + (c - start) != 0) {
                    out.add(c);
                }
            }
        }
        return out.sortedDistinct();
    }

    private static int[] format4(ByteBuffer b, int at) {
        int segCount = (b.getShort(at + 6) & 0xFFFF) / 2;
        int endCodes = at + 14;
        int startCodes = endCodes + segCount * 2 + 2;
        int deltas = startCodes + segCount * 2;
        int rangeOffsets = deltas + segCount * 2;
        IntList out = new IntList();
        for (int s = 0; s < segCount; s++) {
            int end = b.getShort(endCodes + s * 2) & 0xFFFF;
            int start = b.getShort(startCodes + s * 2) & 0xFFFF;
            int delta = b.getShort(deltas + s * 2);
            int rangeOffsetPos = rangeOffsets + s * 2;
            int rangeOffset = b.getShort(rangeOffsetPos) & 0xFFFF;
            for (int c = start; c <= end && c != 0xFFFF; c++) {
                int glyph;
                if (rangeOffset == 0) {
                    glyph = (c + delta) & 0xFFFF;
                } else {
                    int p = rangeOffsetPos + rangeOffset + 2 * (c - start);
                    if (p + 1 >= b.limit()) {
                        continue;
                    }
                    glyph = b.getShort(p) & 0xFFFF;
                    if (glyph != 0) {
                        glyph = (glyph + delta) & 0xFFFF;
                    }
                }
                if (glyph != 0) {
                    out.add(c);
                }
            }
        }
        return out.sortedDistinct();
    }

    /** Growable int array. */
    private static final class IntList {
        private int[] data = new int[256];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] sortedDistinct() {
            int[] a = Arrays.copyOf(data, size);
            Arrays.sort(a);
            return Arrays.stream(a).distinct().toArray();
        }
    }
}

package dev.metascale.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the format of MNIST and Fashion-MNIST, LeCun et al.: big-endian magic
 * {@code 0x0000TTDD} with data type {@code TT} and {@code DD} dimensions, then {@code DD} big-endian
 * int32 sizes, then the values row-major), gzip-compressed or raw (told apart by the gzip magic
 * bytes, not by the file name). Only unsigned bytes ({@code TT = 0x08}) are supported: the type of
 * every image and label file of both data sets.
 */
final class IdxReader {
    static final int UNSIGNED_BYTE = 0x08;

    /** The dimensions and the values of one IDX file. */
    record IdxArray(int[] dims, byte[] values) {
        int count() {
            return dims[0];
        }

        /** Product of the dimensions after the first: values per item. */
        int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }
    }

    private IdxReader() {
    }

    /**
     * @throws CorruptDataException naming the file when it is not IDX, not unsigned bytes, or shorter
     *     than its header says (truncated), or when gzip data is damaged
     */
    static IdxArray read(Path file, String fix) {
        byte[] bytes = readMaybeGzip(file, fix);
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
            throw new CorruptDataException(file, "not an IDX file (the first two bytes must be 0)", fix);
        }
        int type = bytes[2] & 0xFF;
        int rank = bytes[3] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new CorruptDataException(file, String.format("IDX data type 0x%02X is not supported (only unsigned bytes, 0x08)", type), fix);
        }
        if (rank < 1 || bytes.length < 4 + 4 * rank) {
            throw new CorruptDataException(file, "truncated IDX header (" + bytes.length + " bytes for " + rank + " dimensions)", fix);
        }
        int[] dims = new int[rank];
        long total = 1;
        for (int d = 0; d < rank; d++) {
            int o = 4 + 4 * d;
            dims[d] = ((bytes[o] & 0xFF) << 24) | ((bytes[o + 1] & 0xFF) << 16) | ((bytes[o + 2] & 0xFF) << 8) | (bytes[o + 3] & 0xFF);
            if (dims[d] < 0) {
                throw new CorruptDataException(file, "negative IDX dimension " + dims[d], fix);
            }
            total *= dims[d];
        }
        int header = 4 + 4 * rank;
        if (total > Integer.MAX_VALUE - header) {
            throw new CorruptDataException(file, "IDX dimensions " + Arrays.toString(dims) + " are too large", fix);
        }
        if (bytes.length - header < total) {
            throw new CorruptDataException(file, "truncated: the header " + Arrays.toString(dims) + " needs " + total
                + " values but the file holds " + (bytes.length - header), fix);
        }
        return new IdxArray(dims, Arrays.copyOfRange(bytes, header, header + (int) total));
    }

    private static byte[] readMaybeGzip(Path file, String fix) {
        try {
            byte[] raw = Files.readAllBytes(file);
            if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                    in.transferTo(out);
                    return out.toByteArray();
                } catch (IOException e) {
                    throw new CorruptDataException(file, "damaged gzip data (" + e.getMessage() + ")", fix, e);
                }
            }
            return raw;
        } catch (IOException e) {
            throw new CorruptDataException(file, "cannot read (" + e.getMessage() + ")", fix, e);
        }
    }
}

package dev.metascale.core.result;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The append-only {@code results.jsonl} of a run directory. Each record is one line, written with
 * a single append and forced to disk before {@link #append} returns, so a crash or Ctrl-C never
 * loses a finished trial. A torn last line (a crash or a full disk mid-write) is skipped on reading with a
 * warning; before the next append it is moved, byte for byte, to a side file {@code results.jsonl.torn-<time>}
 * and cut from the end, so the new record starts on its own line instead of being glued to the damaged one.
 * One writer per run directory: {@link RunDirectoryLock}.
 */
public final class ResultStore {
    public static final String FILE_NAME = "results.jsonl";

    private final Path file;

    public ResultStore(Path runDir) {
        this.file = runDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    public synchronized void append(TrialResult result) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] line = (result.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            quarantineTornTail(channel);
            ByteBuffer buffer = ByteBuffer.wrap(line);
            long position = channel.size();
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(true);
        }
    }

    /**
     * When the file does not end with a newline, moves the bytes after its last newline to a side file (forced to
     * disk first) and truncates them away; says so on stderr. Returns the side file, or null when the tail was whole.
     */
    Path quarantineTornTail(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0 || lastByte(channel, size) == '\n') {
            return null;
        }
        long start = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (start > 0) {
            one.clear();
            channel.read(one, start - 1);
            if (one.get(0) == '\n') {
                break;
            }
            start--;
        }
        ByteBuffer torn = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, size - start));
        channel.read(torn, start);
        torn.flip();
        Path side = file.resolveSibling(FILE_NAME + ".torn-" + java.time.Instant.now().toString().replace(':', '-'));
        try (FileChannel out = FileChannel.open(side, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (torn.hasRemaining()) {
                out.write(torn);
            }
            out.force(true);
        }
        channel.truncate(start);
        channel.force(true);
        System.err.println("warning: " + file + " ended in a torn record of " + (size - start) + " bytes (a crash or a full"
                + " disk while writing); moved it to " + side + " and appended after the last whole record");
        return side;
    }

    private static byte lastByte(FileChannel channel, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, size - 1);
        return one.get(0);
    }

    /** Every readable record, in file order. Lines that do not parse are reported to stderr and skipped. */
    public List<TrialResult> readAll() throws IOException {
        List<TrialResult> results = new ArrayList<>();
        if (!exists()) {
            return results;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                results.add(TrialResult.fromJsonLine(line));
            } catch (IllegalArgumentException e) {
                System.err.println("warning: " + file + ":" + (i + 1) + ": skipped an unreadable record (" + e.getMessage() + ")");
            }
        }
        return results;
    }

    /** Ids of the trials recorded with status ok: what {@code run --resume} skips. */
    public Set<String> okTrialIds() throws IOException {
        return readAll().stream().filter(TrialResult::isOk).map(TrialResult::trialId).collect(Collectors.toSet());
    }
}

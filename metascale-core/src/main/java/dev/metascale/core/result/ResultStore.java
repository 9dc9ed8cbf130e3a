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
 * loses a finished trial. A torn last line (power loss mid-write) is skipped on reading with a
 * warning, never rewritten.
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
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
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

package dev.metascale.cli.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogTailTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheLastLinesOfALongLog() throws Exception {
        Path log = tmp.resolve("err.log");
        Files.writeString(log, IntStream.range(0, 100_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n");
        String tail = LogTail.of(log, 3);
        assertEquals("line 99997\nline 99998\nline 99999", tail);
    }

    @Test
    void aMissingLogIsEmpty() {
        assertEquals("", LogTail.of(tmp.resolve("none.log"), 40));
    }
}

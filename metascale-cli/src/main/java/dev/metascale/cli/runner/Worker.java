package dev.metascale.cli.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The inside of a worker process: reads one trial spec, applies its injected fault or runs the
 * {@link TrialBody}, and writes the record to the result file atomically.
 *
 * <p>Every {@link Throwable} of the trial becomes a failed record of kind {@code crash} — except
 * {@link OutOfMemoryError}, which is rethrown so that the JVM dies and the runner records
 * {@code oom}. Faults (field {@code fault} of the spec) exist to test the harness:
 * {@code throw}, {@code exit} (exit code 3 mid-trial), {@code hang}, {@code oom} (fills the heap).
 * In a data-parallel trial only the last rank applies the fault, so the others see a peer die.
 */
public final class Worker {
    public static final String FAULT_NONE = "none";
    public static final String FAULT_THROW = "throw";
    public static final String FAULT_EXIT = "exit";
    public static final String FAULT_HANG = "hang";
    public static final String FAULT_OOM = "oom";
    public static final List<String> FAULTS = List.of(FAULT_NONE, FAULT_THROW, FAULT_EXIT, FAULT_HANG, FAULT_OOM);

    /** Exit code of the {@code exit} fault. */
    public static final int FAULT_EXIT_CODE = 3;
    private static final int STACK_TRACE_LINES = 40;

    private Worker() {
    }

    /**
     * Runs the trial in {@code specFile} and writes its record to {@code resultFile}.
     *
     * @return the process exit code: 0 whenever a record was written
     * @throws IOException when the spec cannot be read or the result cannot be written
     */
    public static int run(Path specFile, Path resultFile, int threads, TrialBody body) throws IOException {
        Instant startedAt = ProcessHandle.current().info().startInstant().orElse(Instant.now());
        JsonNode specJson = Json.MAPPER.readTree(specFile.toFile());
        TrialSpec spec = TrialSpec.fromJson(specJson);
        WorkerWatchdog.startIfLaunchedByRunner(spec.timeoutS(), specFile.toAbsolutePath().getParent());
        TrialResult result;
        try {
            result = execute(spec, threads, startedAt.toString(), body);
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            t.printStackTrace();
            Instant now = Instant.now();
            result = TrialResult.failed(spec, FailureClassifier.ofException(t, stackTraceHead(t)),
                    Environment.capture(), startedAt.toString(), now.toString(),
                    Duration.between(startedAt, now).toNanos() / 1e9);
        }
        writeAtomically(resultFile, result.toJsonLine());
        return 0;
    }

    private static TrialResult execute(TrialSpec spec, int threads, String startedAt, TrialBody body) throws Exception {
        String fault = spec.fault() == null ? FAULT_NONE : spec.fault();
        int rank = Integer.getInteger("metascale.rank", 0);
        if (spec.techniques().worldSize() > 1 && rank != spec.techniques().worldSize() - 1) {
            fault = FAULT_NONE; // in a data-parallel trial the fault hits the last rank only: a peer that dies
        }
        switch (fault) {
            case FAULT_NONE:
                return body.execute(spec, threads, startedAt);
            case FAULT_THROW:
                throw new IllegalStateException("injected fault: throw");
            case FAULT_EXIT:
                System.err.println("injected fault: exit with code " + FAULT_EXIT_CODE);
                System.err.flush();
                System.exit(FAULT_EXIT_CODE);
                throw new AssertionError("unreachable");
            case FAULT_HANG:
                System.err.println("injected fault: hang");
                System.err.flush();
                hangForever();
                throw new AssertionError("unreachable");
            case FAULT_OOM:
                System.err.println("injected fault: oom (filling the Java heap)");
                System.err.flush();
                exhaustHeap();
                throw new AssertionError("unreachable");
            default:
                throw new IllegalArgumentException("unknown fault '" + fault + "': use one of " + FAULTS);
        }
    }

    @SuppressWarnings({"InfiniteLoopStatement", "BusyWait"})
    private static void hangForever() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // keep hanging: only the runner's kill ends this
            }
        }
    }

    @SuppressWarnings("MismatchedQueryAndUpdateOfCollection")
    private static void exhaustHeap() {
        List<long[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }

    private static String stackTraceHead(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString().lines().limit(STACK_TRACE_LINES).collect(Collectors.joining("\n"));
    }

    /** Writes {@code content} to a sibling temp file, forces it to disk and moves it into place. */
    public static void writeAtomically(Path target, String content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

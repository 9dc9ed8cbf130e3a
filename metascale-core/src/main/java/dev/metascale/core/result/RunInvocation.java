package dev.metascale.core.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * How a run was started, kept in every record it makes ({@code env.invocation}): the suite file's absolute path and
 * SHA-256 (the suite name alone does not say which file, nor whether it changed since), and the command-line options
 * that shape its trials. {@link #resumeCommand} is the exact command that continues the run — the one the runner prints
 * and the report shows.
 *
 * @param suiteFile   absolute path of the suite file
 * @param suiteSha256 SHA-256 of its bytes when the run started
 * @param threads     {@code --threads}, or null (all cores)
 * @param only        the {@code --only KEY=VALUE} filters, in order
 * @param nnodes      {@code --nnodes} (1 for a single machine)
 * @param nodeRank    {@code --node-rank}
 * @param master      {@code --master HOST:PORT}, or null
 * @param shard       {@code --shard I/N} (also from a job array's variables), or null for the whole suite
 */
@com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record RunInvocation(String suiteFile, String suiteSha256, Integer threads, List<String> only, int nnodes,
                            int nodeRank, String master, String shard) {
    /** The key of {@code env} that holds it. */
    public static final String ENV_KEY = "invocation";

    public RunInvocation {
        only = only == null ? List.of() : List.copyOf(only);
    }

    public RunInvocation(String suiteFile, String suiteSha256, Integer threads, List<String> only, int nnodes, int nodeRank,
                         String master) {
        this(suiteFile, suiteSha256, threads, only, nnodes, nodeRank, master, null);
    }

    /** The same run restricted to one shard ({@code I/N}). */
    public RunInvocation withShard(String newShard) {
        return new RunInvocation(suiteFile, suiteSha256, threads, only, nnodes, nodeRank, master, newShard);
    }

    /** The invocation of a run of {@code suiteFile} (read now for its hash). */
    public static RunInvocation of(Path suiteFile, Integer threads, List<String> only, int nnodes, int nodeRank, String master)
            throws IOException {
        Path file = suiteFile.toAbsolutePath().normalize();
        return new RunInvocation(file.toString(), sha256(Files.readAllBytes(file)), threads, only, nnodes, nodeRank, master);
    }

    /** The arguments of {@code metascale} that continue this run in {@code outDir}. */
    public List<String> resumeArguments(String outDir) {
        List<String> args = new ArrayList<>(List.of("run", suiteFile, "--out", outDir, "--resume"));
        if (threads != null) {
            args.addAll(List.of("--threads", String.valueOf(threads)));
        }
        for (String filter : only) {
            args.addAll(List.of("--only", filter));
        }
        if (shard != null) {
            args.addAll(List.of("--shard", shard));
        }
        if (nnodes > 1) {
            args.addAll(List.of("--nnodes", String.valueOf(nnodes), "--node-rank", String.valueOf(nodeRank)));
            if (master != null) {
                args.addAll(List.of("--master", master));
            }
        }
        return args;
    }

    /** {@code program} followed by {@link #resumeArguments}, each quoted for a POSIX shell where it needs it. */
    public String resumeCommand(String program, String outDir) {
        StringBuilder line = new StringBuilder(program);
        for (String arg : resumeArguments(outDir)) {
            line.append(' ').append(shellQuote(arg));
        }
        return line.toString();
    }

    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    /** The invocation a record holds, if it was made by a runner that kept one. */
    public static Optional<RunInvocation> of(TrialResult record) {
        JsonNode node = record.env() == null ? null : record.env().get(ENV_KEY);
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        return Optional.of(Json.MAPPER.convertValue(node, RunInvocation.class));
    }

    /** {@code s} as one word of a POSIX shell command line. */
    public static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./=:@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}

package dev.metascale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.cli.runner.WorkerLaunch;
import dev.metascale.core.env.Environment;
import dev.metascale.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code env}: the environment a trial records, captured where a trial captures it: in a worker JVM started as
 * {@code run} starts one (same JVM flags, allocator and BLAS settings, libtorch threads), by the same code
 * ({@code TrialEnvironment.capture}). Only the per-trial fields (model, checkpointing, precision policy,
 * invocation) are absent.
 */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Prints the environment every trial records (hardware, OS, JVM, libtorch, JavaCPP, threads, BLAS, CUDA),"
                + " captured in a worker started as `run` starts one.")
public final class EnvCommand implements Callable<Integer> {
    /** How long the worker may take to load libtorch and describe it. */
    static final long WORKER_TIMEOUT_S = 120;

    @Option(names = "--json", description = "one JSON object")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "libtorch threads per worker, as for run (default: all cores)")
    Integer threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (threads != null && threads < 1) {
            err.println("--threads must be at least 1, got " + threads);
            return Main.EXIT_INVALID;
        }
        WorkerLaunch launch = WorkerLaunch.defaults(Environment.home());
        if (threads != null) {
            launch = launch.withThreads(threads);
        }
        ObjectNode env;
        int exit = Main.EXIT_OK;
        try {
            env = inWorker(launch);
        } catch (IOException e) {
            err.println("warning: " + e.getMessage() + "; printing the fields this process can read (no libtorch fields)");
            env = Environment.capture();
            exit = Main.EXIT_FAILED;
        }
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(env));
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                out.println(field.getKey() + ": " + (value.isTextual() ? value.asText() : value.toString()));
            }
        }
        out.flush();
        return exit;
    }

    /** Starts a worker with {@code worker --env} and reads the environment it wrote. */
    static ObjectNode inWorker(WorkerLaunch launch) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("metascale-env");
        Path result = dir.resolve("env.json");
        Path log = dir.resolve("worker.log");
        try {
            ProcessBuilder builder = new ProcessBuilder(launch.envCommand(result))
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(launch.environment());
            Process worker = builder.start();
            if (!worker.waitFor(WORKER_TIMEOUT_S, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
                throw new IOException("the worker did not describe its environment within " + WORKER_TIMEOUT_S + " s");
            }
            if (worker.exitValue() != 0 || !Files.isRegularFile(result)) {
                String output = Files.readString(log, StandardCharsets.UTF_8).strip();
                throw new IOException("the worker exited with code " + worker.exitValue()
                        + (output.isEmpty() ? "" : ": " + output.lines().reduce((a, b) -> b).orElse("")));
            }
            return (ObjectNode) Json.MAPPER.readTree(result.toFile());
        } finally {
            for (Path p : new Path[]{result, log, dir}) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.metascale.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.result.ErrorInfo;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;

import java.util.List;

/** Hand-made trial specs and records for the report tests. */
final class Trials {
    static final long MIB = 1024L * 1024L;

    private Trials() {
    }

    static TrialSpec spec(String algorithm, double innerLr, String precision, long seed) {
        return new TrialSpec("tiny", "glyphs", new SamplerSpec("fixed", 5, 1, 15), new ModelSpec("conv4", null, List.of(), 64),
                new AlgorithmSpec(algorithm, innerLr, 1, 3, 0.001, 4), new TrainSpec(20, 3), new EvalSpec(50, 7, "glyphs"),
                new TechniqueSpec(precision, 0, 1), seed, 600, "none");
    }

    static TrialSpec spec(String algorithm, long seed) {
        return spec(algorithm, 0.4, "fp32", seed);
    }

    /** Metrics builder: only the given values are present. */
    static final class Metrics {
        private final ObjectNode node = Json.MAPPER.createObjectNode();

        Metrics accuracy(double mean, double ci95) {
            ObjectNode a = node.putObject("accuracy");
            a.put("mean", mean);
            a.put("std", ci95 * 3);
            a.put("ci95", ci95);
            a.put("n", 50);
            return this;
        }

        Metrics iterTime(double median) {
            ObjectNode t = node.putObject("iter_time_s");
            t.put("median", median);
            t.put("mean", median * 1.1);
            t.put("std", median * 0.05);
            t.put("p95", median * 1.3);
            t.put("n", 17);
            return this;
        }

        Metrics scalar(String name, double value) {
            node.put(name, value);
            return this;
        }

        /** Peak RSS {@code mib} and, for the memory axis, the learner's own tensor peak at a fifth of it. */
        Metrics peakMib(double mib) {
            node.put("peak_rss_bytes", (long) (mib * MIB));
            node.put("peak_tensor_bytes", (long) (mib * MIB / 5));
            return this;
        }

        /** Meta-gradient fidelity as the worker records it ({mean, min, max, n}); a negative error leaves it out. */
        Metrics fidelity(double cosine, double relError) {
            node.putObject("metagrad_cosine").put("mean", cosine).put("min", cosine).put("max", cosine).put("n", 3);
            if (relError >= 0) {
                node.putObject("metagrad_rel_error").put("mean", relError).put("min", relError).put("max", relError).put("n", 3);
            }
            return this;
        }

        Metrics tensorMib(double mib) {
            node.put("peak_tensor_bytes", (long) (mib * MIB));
            return this;
        }

        ObjectNode build() {
            return node;
        }
    }

    static Metrics metrics() {
        return new Metrics();
    }

    static ObjectNode env() {
        ObjectNode env = Json.MAPPER.createObjectNode();
        env.put("cpu_model", "AMD EPYC 7B13");
        env.put("cpu_sockets", 1);
        env.put("cpu_cores", 1);
        env.put("cpu_threads", 2);
        env.put("memory_bytes", 8L * 1024 * MIB);
        env.put("os", "Linux 6.1 (Debian 12)");
        env.put("kernel", "6.1.0-18-amd64");
        env.put("jvm", "Eclipse Adoptium 17.0.15");
        env.put("java_args", "-Xmx2g");
        env.put("libtorch_version", "2.10.0");
        env.put("javacpp_version", "1.5.13");
        env.put("cuda_available", false);
        env.putArray("gpus");
        env.putNull("interconnect");
        env.put("metascale_version", "0.1.0");
        env.put("git_revision", "665f1d1");
        env.put("git_dirty", false);
        env.put("torch_threads", 2);
        env.put("torch_interop_threads", 1);
        env.put("openblas_threads", 1);
        env.putObject("malloc_env").put("MALLOC_ARENA_MAX", "1");
        env.put("hostname", "bench-1");
        return env;
    }

    static ObjectNode dataset() {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("name", "glyphs");
        d.put("version", "1");
        d.put("hash", "9f2c4e1a7b3d5f60");
        ObjectNode classes = d.putObject("classes");
        classes.put("train", 64);
        classes.put("val", 16);
        classes.put("test", 20);
        d.put("examples_per_class", 20);
        d.put("split_seed", 1);
        return d;
    }

    static TrialResult ok(TrialSpec spec, Metrics metrics) {
        return TrialResult.ok(spec, dataset(), env(), metrics.build(), Json.MAPPER.createObjectNode(),
                "2025-06-01T10:00:00Z", "2025-06-01T10:01:00Z", 60.0);
    }

    /** An ok record with raw samples: per-episode accuracies and per-iteration times. */
    static TrialResult ok(TrialSpec spec, Metrics metrics, double[] episodeAccuracy, double[] iterTimes) {
        ObjectNode samples = Json.MAPPER.createObjectNode();
        var acc = samples.putArray("episode_accuracy");
        for (double v : episodeAccuracy) {
            acc.add(v);
        }
        var times = samples.putArray("iter_time_s");
        for (double v : iterTimes) {
            times.add(v);
        }
        return TrialResult.ok(spec, dataset(), env(), metrics.build(), samples, "2025-06-01T10:00:00Z", "2025-06-01T10:01:00Z", 60.0);
    }

    static TrialSpec spec(String algorithm, int channels, int metaBatch, long seed) {
        return new TrialSpec("tiny", "glyphs", new SamplerSpec("fixed", 5, 1, 15), new ModelSpec("conv4", null, List.of(), channels),
                new AlgorithmSpec(algorithm, 0.4, 1, 3, 0.001, metaBatch), new TrainSpec(20, 3), new EvalSpec(50, 7, "glyphs"),
                new TechniqueSpec("fp32", 0, 1), seed, 600, "none");
    }

    static TrialResult failed(TrialSpec spec, String kind, String message) {
        return TrialResult.failed(spec, new ErrorInfo(kind, message, "last line\n"), env(),
                "2025-06-01T10:02:00Z", "2025-06-01T10:03:00Z", 61.0);
    }
}

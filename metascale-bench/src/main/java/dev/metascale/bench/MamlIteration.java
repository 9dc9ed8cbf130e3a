package dev.metascale.bench;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.engine.data.FixedEpisodeSampler;
import dev.metascale.engine.data.IdxDataset;
import dev.metascale.engine.data.Split;
import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.EpisodeLoader;
import dev.metascale.engine.learn.EpisodePrefetcher;
import dev.metascale.engine.learn.Learners;
import dev.metascale.engine.learn.MetaLearner;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.model.Models;
import dev.metascale.engine.probe.IterationTimer;
import dev.metascale.engine.probe.ProcessMemory;
import dev.metascale.engine.probe.SampledProfile;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times metascale's second-order MAML meta-iteration on the configuration of {@code bench/reference/maml_reference.py}:
 * the real engine path ({@link Models#create}, {@link Learners#create} "maml", {@link MetaLearner#metaStep} in a
 * {@link PointerScope} per iteration, as {@code TrialExecutor} runs it), on random episode tensors of the right
 * shapes. Prints one JSON line with the per-iteration wall seconds, their median and the process CPU seconds
 * per timed iteration (all threads of the JVM, averaged over the timed iterations; less sensitive to other load).
 *
 * <p>{@code --harness} also runs the trial loop's per-iteration probes around each step (the
 * {@link IterationTimer}, the {@link SampledProfile} hooks with the profiler off, the loss check) and reports
 * the time spent in them, measured by {@code System.nanoTime} around the harness code only.
 *
 * <p>Usage: {@code MamlIteration --model mlp|conv4 [--threads N] [--warmup W] [--iterations N] [--harness] [--parallel-tasks W] [--vectorize]} (W tasks of the meta-batch at a time on their own threads, {@code TaskParallel};
 * {@code --vectorize}: the meta-batch as one batched computation, {@code techniques.vectorize_tasks}; {@code --precision bf16}:
 * the loop under bf16 autocast, {@code techniques.precision}; {@code --algorithm fomaml|protonet}: that learner's
 * meta-step on the same episodes, for Java-side comparisons — the Python reference is MAML's; {@code --data fashion-mnist}:
 * the full-trial mode, each step's episodes drawn from the data set and built inside the timed iteration, as
 * {@code TrialExecutor} builds them — its {@link EpisodePrefetcher} on a spare core, else inline).
 */
public final class MamlIteration {
    private static final int SIDE = 28;

    private MamlIteration() {
    }

    public static void main(String[] args) {
        String modelName = null;
        int threads = 1;
        int warmup = 5;
        int iterations = 20;
        boolean harness = false;
        int parallelTasks = 0;
        boolean vectorize = false;
        String precision = "fp32";
        String algorithm = "maml";
        int channels = 64;
        int profileIterations = 0;
        int ways = 5;
        int shots = 1;
        int queries = 15;
        int tasksPerStep = 4;
        String data = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelName = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--harness" -> harness = true;
                case "--parallel-tasks" -> parallelTasks = Integer.parseInt(args[++i]);
                case "--profile" -> profileIterations = Integer.parseInt(args[++i]);
                case "--vectorize" -> vectorize = true;
                case "--precision" -> precision = args[++i];
                case "--algorithm" -> algorithm = args[++i];
                case "--channels" -> channels = Integer.parseInt(args[++i]);
                case "--data" -> data = args[++i];
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: MamlIteration --model mlp|conv4 [--threads N] [--warmup W] [--iterations N] [--harness] [--parallel-tasks W] [--vectorize] [--precision fp32|bf16] [--algorithm maml|fomaml|protonet] [--channels C] [--profile N] [--data fashion-mnist]");
            }
        }
        ModelSpec spec = switch (modelName == null ? "" : modelName) {
            case "mlp" -> new ModelSpec("mlp", null, List.of(256, 256), 0);
            case "conv4" -> new ModelSpec("conv4", null, List.of(), channels);
            default -> throw new IllegalArgumentException("--model must be mlp or conv4, got " + modelName);
        };
        TorchRuntime.configure(threads);
        Model model = Models.create(spec, SIDE, SIDE);
        MetaLearner learner = Learners.create(new AlgorithmSpec(algorithm, 0.01, 5, 5, 0.001, tasksPerStep), model, ways, ways,
                0, torch.ScalarType.Float, new TrainingTechniques(0, 0, parallelTasks, false, null,
                        vectorize ? java.util.Map.of("vectorize_tasks", true) : java.util.Map.of()));
        torch.manual_seed(1);
        List<Episode> tasks = new ArrayList<>();
        for (int t = 0; t < tasksPerStep; t++) {
            tasks.add(new Episode(kept(torch.rand(ways * shots, 1, SIDE, SIDE)), kept(labels(ways, shots)),
                    kept(torch.rand(ways * queries, 1, SIDE, SIDE)), kept(labels(ways, queries)), ways,
                    new long[ways]));
        }
        // --data: the full-trial mode, each step's episodes drawn from a real data set and built inside the timed
        // iteration, as a trial does (EpisodePrefetcher: on a background thread when a core is spare beside the intra-op
        // threads, else inline); the episode indices are drawn before the loop, as TrialExecutor draws them
        EpisodePrefetcher prefetch = null;
        if (data != null) {
            FewShotDataset dataset = IdxDataset.open(data);
            FixedEpisodeSampler sampler = new FixedEpisodeSampler(dataset, Split.TRAIN, ways, shots, queries);
            List<EpisodeIndex> drawn = new ArrayList<>();
            for (long e = 0; e < (long) (warmup + iterations) * tasksPerStep; e++) {
                drawn.add(sampler.episode(0, e));
            }
            prefetch = new EpisodePrefetcher(new EpisodeLoader(dataset), drawn, tasksPerStep, warmup + iterations,
                    EpisodePrefetcher.spareCore(threads));
        }
        double waitBeforeTimed = 0;
        double loadBeforeTimed = 0;
        double[] times = new double[iterations];
        long cpuTimed = 0;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long harnessNanos = 0;
        IterationTimer timer = new IterationTimer(warmup + iterations, warmup);
        SampledProfile profile = SampledProfile.forTrial("bench", 0); // profiler off: no warm-up window
        if (harness) {
            ProcessMemory.resetPeak();
        }
        // the whole loop under the trial's autocast region, as TrialExecutor enters it around a trial
        dev.metascale.engine.technique.Precision region = dev.metascale.engine.technique.Precision.enter(precision);
        for (int it = 0; it < warmup + iterations; it++) {
            long h0 = System.nanoTime();
            if (harness) {
                profile.beforeIteration(it);
            }
            long h1 = System.nanoTime();
            long start;
            long end;
            double loss;
            if (it == warmup) {
                cpuTimed = os.getProcessCpuTime();
                if (prefetch != null) {
                    waitBeforeTimed = prefetch.waitSeconds();
                    loadBeforeTimed = prefetch.loadSeconds();
                }
            }
            try (PointerScope scope = new PointerScope()) {
                start = System.nanoTime();
                List<Episode> step = prefetch != null ? prefetch.take(it) : tasks;
                if (harness) {
                    timer.begin();
                }
                loss = learner.metaStep(step);
                if (harness) {
                    timer.end();
                }
                end = System.nanoTime();
            }
            long h2 = System.nanoTime();
            if (harness) {
                profile.afterIteration(it);
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("loss diverged at iteration " + it + ": " + loss);
            }
            long h3 = System.nanoTime();
            if (it >= warmup) {
                times[it - warmup] = (end - start) / 1e9;
                // harness code: the profile hooks, the scope's close and the loss check (outside the timed step)
                harnessNanos += (h1 - h0) + (h3 - h2);
            }
        }
        region.close();
        if (prefetch != null) {
            prefetch.close();
        }
        double cpuPerIteration = (os.getProcessCpuTime() - cpuTimed) / 1e9 / iterations;
        double median = median(times);
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"side\": \"java\", \"algorithm\": \"%s\", \"model\": \"%s\", \"threads\": %d, \"parallel_tasks\": %d, \"vectorized\": %b, \"precision\": \"%s\", \"torch\": \"%s\", "
                        + "\"torch_threads\": %d, \"median_s\": %.6f, \"cpu_s\": %.6f", algorithm, modelName, threads, parallelTasks, vectorize, precision,
                TorchRuntime.libtorchVersion(), torch.get_num_threads(), median, cpuPerIteration));
        json.append(", \"blas\": \"").append(TorchRuntime.blasLibrary().replace("\"", "'")).append('"');
        if (prefetch != null) { // the data's share of the timed iterations: the wait for each step's episodes, their build
            json.append(String.format(Locale.ROOT, ", \"data\": \"%s\", \"data_prefetch\": \"%s\", \"data_wait_s\": %.6f, \"data_load_s\": %.6f",
                    data, prefetch.describe(), (prefetch.waitSeconds() - waitBeforeTimed) / iterations,
                    (prefetch.loadSeconds() - loadBeforeTimed) / iterations));
        }
        if (harness) {
            json.append(String.format(Locale.ROOT, ", \"harness_s_per_iter\": %.9f, \"harness_fraction\": %.6f",
                    harnessNanos / 1e9 / iterations, harnessNanos / 1e9 / iterations / median));
        }
        if (profileIterations > 0) {
            json.append(", \"ops\": ").append(operatorTable(learner, tasks, profileIterations));
        }
        json.append(", \"iter_s\": [");
        for (int i = 0; i < times.length; i++) {
            json.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", times[i]));
        }
        System.out.println(json.append("]}"));
    }

    /**
     * Per-iteration self time and calls of every operator over {@code n} profiled iterations (the Kineto
     * profiler; needs {@code --add-modules jdk.incubator.foreign}), as a JSON array sorted by self time.
     */
    private static String operatorTable(MetaLearner learner, List<Episode> tasks, int n) {
        dev.metascale.engine.probe.KinetoProfiler.Window window = dev.metascale.engine.probe.KinetoProfiler.start()
                .orElseThrow(() -> new IllegalStateException("the operator profiler is unavailable: "
                        + dev.metascale.engine.probe.KinetoProfiler.unavailableReason().orElse("unknown reason")));
        for (int i = 0; i < n; i++) {
            try (PointerScope scope = new PointerScope()) {
                learner.metaStep(tasks);
            }
        }
        List<dev.metascale.engine.probe.OperatorProfile.Op> ops = new ArrayList<>(window.stop(n, null).ops());
        ops.sort((a, b) -> Double.compare(b.selfTimeS(), a.selfTimeS()));
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < ops.size(); i++) {
            var op = ops.get(i);
            out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "{\"name\": \"%s\", \"calls\": %.2f, \"self_s\": %.9f}",
                    op.name().replace("\"", "'"), op.calls() / (double) n, op.selfTimeS() / n));
        }
        return out.append(']').toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static Tensor labels(int ways, int perClass) {
        long[] y = new long[ways * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / perClass;
        }
        return ArrayTensors.longs(y, y.length);
    }

    private static Tensor kept(Tensor t) {
        t.retainReference();
        return t;
    }
}

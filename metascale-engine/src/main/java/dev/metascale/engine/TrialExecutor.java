package dev.metascale.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.core.stats.Statistics;
import dev.metascale.engine.data.Datasets;
import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.engine.data.EpisodeSampler;
import dev.metascale.engine.data.Samplers;
import dev.metascale.engine.dist.CommMeter;
import dev.metascale.engine.dist.DataParallel;
import dev.metascale.engine.dist.RankInfo;
import dev.metascale.engine.dist.TaskPartition;
import dev.metascale.engine.data.Split;
import dev.metascale.core.component.Modality;
import dev.metascale.engine.eval.ClassificationScores;
import dev.metascale.engine.eval.LanguageModelScores;
import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.EpisodeLoader;
import dev.metascale.engine.learn.Learners;
import dev.metascale.engine.learn.MetaLearner;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.model.Models;
import dev.metascale.engine.probe.IterationTimer;
import dev.metascale.engine.probe.ProcessMemory;
import dev.metascale.engine.probe.SampledProfile;
import dev.metascale.engine.probe.TrialFlops;
import dev.metascale.engine.probe.TrialMeasurements;
import dev.metascale.engine.technique.Precision;
import dev.metascale.engine.technique.RecomputeFlops;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs one trial inside a worker process: builds the data set, model and learner, meta-trains with
 * the probes on, evaluates on the shared test episodes and returns the record.
 *
 * <p>Phases: set-up (data set, model, learner), data preparation (every class the trial's episodes
 * touch is materialised before the clock starts), meta-training (each iteration in its own pointer
 * scope: the episode tensors are built from memory and the meta-step runs; the first
 * {@code train.warmup} iterations are not timed), evaluation (each test episode in its own scope).
 * The peak resident set is reset before meta-training and before evaluation, so each phase reports
 * its own peak.
 */
public final class TrialExecutor {
    /** Data sets are split with a fixed seed so that every trial of every suite sees the same split. */
    public static final long SPLIT_SEED = 0;

    private TrialExecutor() {
    }

    /**
     * @param threads      libtorch intra-op threads
     * @param startedAtIso when the worker process started (ISO-8601)
     */
    public static TrialResult execute(TrialSpec spec, int threads, String startedAtIso) {
        return execute(spec, threads, startedAtIso, line -> System.out.println(line));
    }

    public static TrialResult execute(TrialSpec spec, int threads, String startedAtIso, Consumer<String> log) {
        TorchRuntime.configure(threads);
        try (Precision precision = Precision.enter(spec.techniques().precision())) {
            TrialResult result = run(spec, startedAtIso, log);
            result.env().set("precision_policy", precision.describe());
            return result;
        }
    }

    private static TrialResult run(TrialSpec spec, String startedAtIso, Consumer<String> log) {
        SamplerSpec s = spec.sampler();
        FewShotDataset dataset = Datasets.open(spec.dataset(), SPLIT_SEED);
        Model model = Models.create(spec.model(), dataset);
        int trainClasses = dataset.classNames(Split.TRAIN).size();
        // A language model's head predicts the next character: for every learner it spans the vocabulary,
        // not the episode's ways (one language) or the train classes (languages).
        boolean languageModel = dataset.modality() == Modality.CHARACTER_WINDOWS;
        int headWays = languageModel ? dataset.vocabularySize() : s.ways();
        int headClasses = languageModel ? dataset.vocabularySize() : trainClasses;
        MetaLearner learner = Learners.create(spec.algorithm(), model, headWays, headClasses, spec.seed(), torch.ScalarType.Float,
                TrainingTechniques.of(spec.techniques()));
        FewShotDataset testDataset = spec.eval().dataset() == null || spec.eval().dataset().equals(spec.dataset())
                ? dataset : Datasets.open(spec.eval().dataset(), SPLIT_SEED);
        EpisodeSampler trainSampler = Samplers.create(s, dataset, Split.TRAIN);
        EpisodeSampler testSampler = Samplers.create(s, testDataset, Split.TEST);
        EpisodeLoader loader = new EpisodeLoader(dataset);
        EpisodeLoader testLoader = new EpisodeLoader(testDataset);

        int iterations = spec.train().iterations();
        Optional<DataParallel> dp = joinGroup(spec);
        TaskPartition tasksOfRank = TaskPartition.of(spec, dp.map(DataParallel::info));
        int metaBatch = tasksOfRank.perRank();
        List<EpisodeIndex> trainEpisodes = new ArrayList<>(iterations * metaBatch);
        for (int it = 0; it < iterations; it++) {
            for (int t = 0; t < metaBatch; t++) {
                trainEpisodes.add(trainSampler.episode(spec.seed(), tasksOfRank.episodeIndex(it, t)));
            }
        }
        boolean evaluates = dp.map(d -> d.info().isLeader()).orElse(true);
        List<EpisodeIndex> testEpisodes = new ArrayList<>(spec.eval().episodes());
        for (long i = 0; evaluates && i < spec.eval().episodes(); i++) {
            testEpisodes.add(testSampler.episode(spec.eval().seed(), i));
        }
        dp.ifPresent(d -> d.broadcast(learner.parameters()));
        long prepStart = System.nanoTime();
        materialise(dataset, trainEpisodes);
        materialise(testDataset, testEpisodes);
        double dataPrepS = (System.nanoTime() - prepStart) / 1e9;
        log.accept(String.format("data: %s, %d train classes, prepared in %.1f s", dataset.name(), trainClasses, dataPrepS));

        // Meta-training.
        ProcessMemory.resetPeak();
        OptionalLong baselineRss = ProcessMemory.rssBytes();
        IterationTimer timer = new IterationTimer(iterations, spec.train().warmup());
        SampledProfile profile = spec.techniques().parallelTasks() > 1
                ? SampledProfile.absent("parallel_tasks: libtorch's profiler records the calling thread and the tasks run on their"
                        + " own threads, so the operator profile and peak_tensor_bytes would miss them; peak_rss_bytes covers the"
                        + " whole process")
                : SampledProfile.forTrial(spec.id(), spec.train().warmup());
        double[] losses = new double[iterations];
        long samplesOfRank = 0; // support + query examples over all training tasks of this rank (variable-size samplers too)
        for (EpisodeIndex e : trainEpisodes) {
            samplesOfRank += e.supportSize() + e.querySize();
        }
        double samplesPerTask = (double) samplesOfRank / Math.max(1, trainEpisodes.size());
        OptionalLong peakProfiled = OptionalLong.empty();
        for (int it = 0; it < iterations; it++) {
            profile.beforeIteration(it);
            try (PointerScope scope = new PointerScope()) {
                timer.begin();
                List<Episode> tasks = new ArrayList<>(metaBatch);
                for (int t = 0; t < metaBatch; t++) {
                    tasks.add(loader.load(trainEpisodes.get(it * metaBatch + t)));
                }
                losses[it] = learner.metaStep(tasks);
                timer.end();
            }
            profile.afterIteration(it);
            if (profile.closesAfter(it)) {
                // the profiler's event buffers and trace export raise the resident set (measured +77 MiB on a Conv-4
                // trial without a trace file, more with one): the training peak is taken from the iterations after it
                peakProfiled = ProcessMemory.peakRssBytes();
                ProcessMemory.resetPeak();
            }
            if (!Double.isFinite(losses[it])) {
                throw new IllegalStateException("meta-training diverged at iteration " + it + " (loss " + losses[it]
                        + "): lower algorithm.outer_lr or algorithm.inner_lr");
            }
            if ((it + 1) % Math.max(1, iterations / 10) == 0 || it + 1 == iterations) {
                log.accept(String.format("iter %d/%d loss %.4f", it + 1, iterations, losses[it]));
            }
        }
        OptionalLong peakTrain = ProcessMemory.peakRssBytes();

        // Evaluation on the shared test episodes, at the trial's intra-op threads (task-parallel training lowers the
        // calling thread's share: TaskParallel).
        TorchRuntime.configure(TorchRuntime.threads());
        ProcessMemory.resetPeak();
        long evalStart = System.nanoTime();
        double[] accuracy = new double[testEpisodes.size()];
        double[] f1 = new double[testEpisodes.size()];
        double[] perplexity = new double[testEpisodes.size()];
        double[] bitsPerChar = new double[testEpisodes.size()];
        for (int e = 0; e < testEpisodes.size(); e++) {
            try (PointerScope scope = new PointerScope()) {
                Episode episode = testLoader.load(testEpisodes.get(e));
                if (languageModel) {
                    double crossEntropy = learner.adaptAndQueryLoss(episode);
                    perplexity[e] = LanguageModelScores.perplexity(crossEntropy);
                    bitsPerChar[e] = LanguageModelScores.bitsPerCharacter(crossEntropy);
                    continue;
                }
                long[] predicted = learner.adaptAndPredict(episode);
                long[] truth = dev.metascale.engine.torch.ArrayTensors.toLongs(episode.queryY());
                accuracy[e] = ClassificationScores.accuracy(predicted, truth);
                f1[e] = ClassificationScores.macroF1(predicted, truth, episode.ways());
            }
        }
        double evalS = (System.nanoTime() - evalStart) / 1e9;
        OptionalLong peakEval = ProcessMemory.peakRssBytes();

        double[] iterTimes = timer.samples();
        double timedS = 0;
        for (double t : iterTimes) {
            timedS += t;
        }
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        if (evaluates && languageModel) {
            metrics.set("perplexity", Json.MAPPER.valueToTree(Statistics.summary(perplexity)));
            metrics.set("bits_per_char", Json.MAPPER.valueToTree(Statistics.summary(bitsPerChar)));
        } else if (evaluates) {
            metrics.set("accuracy", Json.MAPPER.valueToTree(Statistics.summary(accuracy)));
            metrics.set("f1_macro", Json.MAPPER.valueToTree(Statistics.summary(f1)));
        }
        if (iterTimes.length > 0) {
            metrics.set("iter_time_s", Json.MAPPER.valueToTree(Statistics.distribution(iterTimes)));
            int groupTasks = tasksOfRank.perStep();
            metrics.put("throughput_tasks_per_s", iterTimes.length * (double) groupTasks / timedS);
            metrics.put("throughput_samples_per_s", iterTimes.length * (double) groupTasks * samplesPerTask / timedS);
        }
        dp.ifPresent(d -> {
            CommMeter m = d.meter();
            metrics.put("comm_time_s", m.seconds() / iterations);
            metrics.put("comm_time_total_s", m.seconds());
            metrics.put("comm_bytes", m.payloadBytes() / Math.max(1, m.calls()));
            metrics.put("comm_wire_bytes", m.wireBytes(d.info().worldSize()) / Math.max(1, m.calls()));
            metrics.put("comm_fraction", m.seconds() / timer.totalSeconds());
            metrics.put("comm_span_total_s", m.spanSeconds());
            metrics.put("comm_segments", m.segments());
            metrics.put("comm_overlapped_fraction", m.payloadBytes() == 0 ? 0.0 : m.overlappedBytes() / (double) m.payloadBytes());
            if (m.spanSeconds() > 0) {
                // NCCL's convention: bus bandwidth = algorithm (wire) bytes per rank over the collective's time (from
                // launch to completion: with overlap this span includes computation, so the figure is a lower bound).
                metrics.put("comm_bus_bandwidth_bytes_per_s", m.wireBytes(d.info().worldSize()) / m.spanSeconds());
            }
            metrics.put("world_size", d.info().worldSize());
            metrics.put("rank", d.info().rank());
        });
        metrics.put("train_time_s", timer.totalSeconds());
        metrics.put("eval_time_s", evalS);
        metrics.put("data_prep_time_s", dataPrepS);
        peakTrain.ifPresent(v -> metrics.put("peak_rss_bytes", v));
        peakProfiled.ifPresent(v -> metrics.put("peak_rss_profile_window_bytes", v));
        baselineRss.ifPresent(v -> metrics.put("rss_before_train_bytes", v));
        if (evaluates) {
            peakEval.ifPresent(v -> metrics.put("peak_rss_eval_bytes", v));
        }
        metrics.put("param_count", learner.parameters().count());
        metrics.put("final_train_loss", losses[iterations - 1]);

        ObjectNode samples = Json.MAPPER.createObjectNode();
        samples.set("iter_time_s", array(iterTimes));
        samples.set("train_loss", array(losses));
        if (languageModel) {
            samples.set("episode_perplexity", array(perplexity));
        } else {
            samples.set("episode_accuracy", array(accuracy));
        }

        ObjectNode data = identity(dataset);
        if (testDataset != dataset) {
            data.set("eval", identity(testDataset));
        }

        ObjectNode env = Environment.capture();
        TorchRuntime.describe(env);
        env.put("model", model.name());
        env.set("checkpointing", learner.describeTechniques());
        AlgorithmSpec stepAlgorithm = spec.algorithm().withMetaBatch(tasksOfRank.perStep());
        Optional<FlopCount> recomputed = RecomputeFlops.perIteration(stepAlgorithm, s, model, TrainingTechniques.of(spec.techniques()));
        TrialMeasurements.write(metrics, TrialFlops.perIteration(stepAlgorithm, s, model, headClasses)
                        .map(f -> recomputed.map(f::withRecompute).orElse(f)), iterations,
                iterTimes, env.path("cpu_model").asText(null));
        profile.writeTo(metrics);
        double wall = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        dp.ifPresent(DataParallel::close);
        return TrialResult.ok(spec, data, env, metrics, samples, startedAtIso, Instant.now().toString(), wall);
    }

    /** Joins the data-parallel group when the runner started this worker as one rank of several. */
    private static Optional<DataParallel> joinGroup(TrialSpec spec) {
        int world = spec.techniques().worldSize();
        Optional<RankInfo> rank = RankInfo.fromSystemProperties();
        if (world <= 1) {
            return Optional.empty();
        }
        if (rank.isEmpty() || rank.get().worldSize() != world) {
            throw new IllegalStateException("this trial has world_size " + world + " but the worker was started as "
                    + rank.map(r -> "rank " + r.rank() + " of " + r.worldSize()).orElse("a single process")
                    + "; run it with `metascale run`, which starts one worker per rank");
        }
        return Optional.of(DataParallel.join(rank.get()));
    }

    /** Name, version, content hash and split sizes of a data set: what the record needs to trace its numbers. */
    private static ObjectNode identity(FewShotDataset dataset) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("name", dataset.name());
        data.put("version", dataset.version());
        data.put("hash", dataset.hash());
        ObjectNode classes = data.putObject("classes");
        for (Split split : Split.values()) {
            classes.put(split.name().toLowerCase(), dataset.classNames(split).size());
        }
        data.put("split_seed", SPLIT_SEED);
        if (dataset.vocabularySize() > 0) {
            data.put("vocabulary", dataset.vocabularySize());
        }
        if (!dataset.skipped().isEmpty()) {
            data.set("skipped", Json.MAPPER.valueToTree(dataset.skipped()));
        }
        return data;
    }

    /** Renders or loads every class the episodes touch, in parallel, before any clock starts. */
    private static void materialise(FewShotDataset dataset, List<EpisodeIndex> episodes) {
        Set<Long> keys = new TreeSet<>();
        for (EpisodeIndex e : episodes) {
            for (int c : e.classes()) {
                keys.add(((long) e.split().ordinal() << 32) | c);
            }
        }
        keys.parallelStream().forEach(k -> dataset.examples(Split.values()[(int) (k >>> 32)], (int) (long) k));
    }

    private static ArrayNode array(double[] values) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}

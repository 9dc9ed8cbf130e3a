package dev.metascale.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.json.Json;
import dev.metascale.core.env.HostCpu;
import dev.metascale.core.result.Metric;
import dev.metascale.core.result.Metrics;
import dev.metascale.core.result.SampleSeries;
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
import dev.metascale.engine.probe.PeakTensorMemory;
import dev.metascale.engine.probe.ProfileCheck;
import dev.metascale.engine.probe.SampledProfile;
import dev.metascale.engine.probe.TrialFlops;
import dev.metascale.engine.probe.TrialMeasurements;
import dev.metascale.engine.probe.MemoryEstimate;
import dev.metascale.engine.learn.EpisodePrefetcher;
import dev.metascale.engine.learn.MetaGradientFidelity;
import dev.metascale.engine.technique.LossScaler;
import dev.metascale.engine.technique.Precision;
import dev.metascale.engine.technique.RecomputeFlops;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.technique.Techniques;
import dev.metascale.engine.torch.TorchRuntime;
import dev.metascale.engine.torch.TrialDevice;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.LearnerDescriptor;
import dev.metascale.core.env.HostMemory;
import dev.metascale.core.result.InvalidTrialException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
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
    /** The sampler whose every episode has the nominal shape (ways × shots support, ways × query queries). */
    private static final String FIXED_SHAPE = "fixed";

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
        if (Boolean.getBoolean(PREFLIGHT_PROPERTY)) {
            return preflight(spec, threads, startedAtIso);
        }
        return execute(spec, threads, startedAtIso, log, Datasets::open);
    }

    /** How a trial opens a data set by name and split seed ({@link Datasets#open}; a test substitutes its own). */
    @FunctionalInterface
    interface DatasetOpener {
        FewShotDataset open(String name, long splitSeed);
    }

    static TrialResult execute(TrialSpec spec, int threads, String startedAtIso, Consumer<String> log, DatasetOpener opener) {
        TorchRuntime.configure(threads);
        // before any tensor and the precision region: the factories and autocast read the trial's device
        TrialDevice device = TrialDevice.resolve((String) spec.techniques().option(Techniques.DEVICE),
                RankInfo.fromSystemProperties().map(RankInfo::rank).orElse(0));
        TrialDevice.use(device);
        try (Precision precision = Precision.enter(spec.techniques().precision())) {
            TrialResult result = run(spec, startedAtIso, log, opener);
            result.env().set("precision_policy", precision.describe());
            ObjectNode placed = device.describe();
            if (device.peakAbsentReason() != null) {
                placed.put("peak_device_bytes_absent", device.peakAbsentReason());
            }
            result.env().set("device", placed);
            return result;
        } finally {
            TrialDevice.use(TrialDevice.cpu());
        }
    }

    private static TrialResult run(TrialSpec spec, String startedAtIso, Consumer<String> log, DatasetOpener opener) {
        Setup setup = setUp(spec, false, opener);
        MemoryEstimate memory = checkItFits(spec, setup, ranksOnThisMachine(setup), HostMemory.limitBytes());
        log.accept("memory: estimated peak " + memory.describe());
        Episodes episodes = prepareData(spec, setup, log);
        Training training = metaTrain(spec, setup, episodes, log);
        Evaluation evaluation = evaluate(setup, episodes);
        TrialResult result = record(spec, setup, memory, episodes, training, evaluation, startedAtIso);
        setup.dataParallel().ifPresent(DataParallel::close);
        return result;
    }

    /**
     * What the trial is made of: its data sets, model, learner (with the techniques, and the data-parallel group when
     * this worker is one rank of several), samplers and loaders.
     *
     * @param headClasses outputs of the baselines' pre-training head (a language model: its vocabulary)
     */
    private record Setup(FewShotDataset dataset, FewShotDataset testDataset, Model model, MetaLearner learner,
                         TrainingTechniques techniques, Optional<DataParallel> dataParallel, TaskPartition tasksOfRank,
                         boolean languageModel, int trainClasses, int headClasses, EpisodeSampler trainSampler,
                         EpisodeSampler testSampler, EpisodeLoader loader, EpisodeLoader testLoader) {
        boolean evaluates() {
            return dataParallel.map(d -> d.info().isLeader()).orElse(true);
        }
    }

    /** The episodes of the trial, drawn before any clock starts; {@code dataPrepS} the time to materialise them. */
    private record Episodes(List<EpisodeIndex> train, List<EpisodeIndex> test, List<EpisodeIndex> validation, double dataPrepS) {
    }

    /** What meta-training measured. */
    private record Training(double[] losses, IterationTimer timer, SampledProfile profile, OptionalLong rssBefore,
                            OptionalLong peakProfileWindow, OptionalLong peak, Optional<HostCpu.Usage> host, Fidelity fidelity,
                            int iterationsRun, LearningCurve curve, double dataWaitS, double dataLoadS, String dataPrefetch,
                            OptionalLong devicePeak) {
        /** Meta-training's wall time: the iterations' (warm-up included, profiled ones excepted) and the waits for data. */
        double seconds() {
            return timer.totalSeconds() + dataWaitS;
        }
    }

    /**
     * The validation learning curve ({@code train.val_every}): per point the iterations done and the per-episode scores
     * on the same validation episodes; {@code reachedAt} the iterations at which {@code train.until} was met (0: not).
     */
    private record LearningCurve(List<Integer> iterations, List<double[]> scores, boolean perplexity, int reachedAt,
                                 double secondsToTarget) {
        static final LearningCurve NONE = new LearningCurve(List.of(), List.of(), false, 0, 0);

        /** Writes the curve; the record's FLOP count ({@code flops_total}) covers the iterations run, so those to the target. */
        void writeTo(Metrics metrics, ObjectNode samples, TrialSpec spec, OptionalLong peak) {
            if (iterations.isEmpty()) {
                return;
            }
            ArrayNode points = samples.putArray(SampleSeries.VAL_CURVE.key());
            for (int i = 0; i < iterations.size(); i++) {
                points.addObject().put("iteration", iterations.get(i)).put("mean", Statistics.mean(scores.get(i)))
                        .put("ci95", Statistics.ci95(scores.get(i))).put("n", scores.get(i).length);
            }
            int last = iterations.size() - 1;
            metrics.put(Metric.VAL_SCORE_FINAL, Statistics.mean(scores.get(last)));
            int from = -1;
            for (int i = 0; i < last; i++) {
                if (iterations.get(i) >= 0.75 * iterations.get(last)) {
                    from = i;
                    break;
                }
            }
            if (from >= 0) {
                double[] gain = new double[scores.get(last).length];
                for (int e = 0; e < gain.length; e++) {
                    double d = scores.get(last)[e] - scores.get(from)[e];
                    gain[e] = perplexity ? -d : d;
                }
                double mean = Statistics.mean(gain);
                double ci = Statistics.ci95(gain);
                metrics.set(Metric.VAL_LAST_QUARTER_GAIN, Json.MAPPER.createObjectNode().put("mean", mean).put("ci95", ci)
                        .put("n", gain.length).put("from_iteration", iterations.get(from)).put("to_iteration", iterations.get(last))
                        .put("undertrained", mean - ci > 0));
            }
            if (spec.train().until() == null) {
                return;
            }
            if (reachedAt > 0) {
                metrics.put(Metric.ITERATIONS_TO_TARGET, reachedAt);
                metrics.put(Metric.TIME_TO_TARGET_S, secondsToTarget);
                if (metrics.has(Metric.FLOPS_TOTAL)) {
                    metrics.put(Metric.FLOPS_TO_TARGET, metrics.get(Metric.FLOPS_TOTAL).asDouble());
                }
                peak.ifPresent(p -> metrics.put(Metric.PEAK_RSS_TO_TARGET_BYTES, p));
            } else {
                double best = perplexity ? scores.stream().mapToDouble(Statistics::mean).min().orElse(Double.NaN)
                        : scores.stream().mapToDouble(Statistics::mean).max().orElse(Double.NaN);
                metrics.put(Metric.TARGET_ABSENT, String.format(java.util.Locale.ROOT, "the target validation %s %s %s was not"
                        + " reached in %d iterations (best %.4f): raise train.iterations or lower train.until",
                        perplexity ? "perplexity" : "accuracy", perplexity ? "<=" : ">=", spec.train().until(),
                        iterations.get(last), best));
            }
        }
    }

    /** Meta-gradient fidelity at the sampled iterations ({@link MetaGradientFidelity}), or why it is absent. */
    private record Fidelity(List<Double> cosines, List<Double> relativeErrors, Optional<String> absent) {
        void writeTo(Metrics metrics) {
            absent.ifPresent(why -> metrics.put(Metric.METAGRAD_ABSENT, why));
            if (absent.isEmpty() && !cosines.isEmpty()) {
                metrics.set(Metric.METAGRAD_COSINE, MetaGradientFidelity.summary(cosines));
                if (!relativeErrors.isEmpty()) {
                    metrics.set(Metric.METAGRAD_REL_ERROR, MetaGradientFidelity.summary(relativeErrors));
                }
            }
        }
    }

    /** Why the trial's meta-gradient fidelity cannot be measured; empty when it can. */
    private static Optional<String> fidelityAbsent(TrialSpec spec, Setup setup) {
        if (setup.dataParallel().isPresent()) {
            return Optional.of("data-parallel: each rank holds its share of the meta-batch and the learner's update enters the"
                    + " group's all-reduce, while the exact reference needs the whole meta-batch in one process");
        }
        if (spec.algorithm().innerSteps() < 1) {
            return Optional.of("inner_steps 0: the MAML reference has no inner loop to differentiate through");
        }
        return Optional.empty();
    }

    /** The per-episode scores of the test episodes (accuracy and F1, or perplexity and bits per character). */
    private record Evaluation(double[] accuracy, double[] f1, double[] perplexity, double[] bitsPerChar, double seconds,
                              OptionalLong peak, OptionalLong devicePeak) {
    }

    /** Set-up: data sets, model, the data-parallel group, learner, samplers. */
    private static Setup setUp(TrialSpec spec) {
        return setUp(spec, false, Datasets::open);
    }

    /** Set-up; a {@code preflight} one joins no group and partitions the tasks as rank 0 of the trial's ranks would. */
    private static Setup setUp(TrialSpec spec, boolean preflight, DatasetOpener opener) {
        SamplerSpec s = spec.sampler();
        FewShotDataset dataset = opener.open(spec.dataset(), SPLIT_SEED);
        Model model = Models.create(spec.model(), dataset);
        int trainClasses = dataset.classNames(Split.TRAIN).size();
        // A language model's head predicts the next character: for every learner it spans the vocabulary,
        // not the episode's ways (one language) or the train classes (languages).
        boolean languageModel = dataset.modality() == Modality.CHARACTER_WINDOWS;
        int headWays = languageModel ? dataset.vocabularySize() : s.ways();
        int headClasses = languageModel ? dataset.vocabularySize() : trainClasses;
        Techniques.requireBound(spec.techniques());
        Optional<DataParallel> dp = preflight ? Optional.empty() : joinGroup(spec);
        TrainingTechniques techniques = dp.map(TrainingTechniques.of(spec.techniques())::inGroup)
                .orElse(TrainingTechniques.of(spec.techniques()));
        MetaLearner learner = Learners.create(spec.algorithm(), model, headWays, headClasses, spec.seed(), torch.ScalarType.Float,
                techniques);
        FewShotDataset testDataset = spec.eval().dataset() == null || spec.eval().dataset().equals(spec.dataset())
                ? dataset : opener.open(spec.eval().dataset(), SPLIT_SEED);
        Optional<RankInfo> rank = preflight && spec.techniques().worldSize() > 1
                ? Optional.of(RankInfo.onThisMachine(0, spec.techniques().worldSize(), Path.of("preflight"), java.time.Duration.ZERO))
                : dp.map(DataParallel::info);
        return new Setup(dataset, testDataset, model, learner, techniques, dp, TaskPartition.of(spec, rank),
                languageModel, trainClasses, headClasses, Samplers.create(s, dataset, Split.TRAIN),
                Samplers.create(s, testDataset, evaluationSplit(spec, testDataset)), new EpisodeLoader(dataset), new EpisodeLoader(testDataset));
    }

    /**
     * The memory guard: predicts the trial's peak from what set-up left resident ({@link MemoryEstimate}) and refuses,
     * before anything grows, a trial whose ranks on this machine cannot fit in {@code limit}.
     *
     * @throws InvalidTrialException with the estimate, the machine's memory and what to change
     */
    private static MemoryEstimate checkItFits(TrialSpec spec, Setup setup, int ranksHere, OptionalLong limit) {
        long resident = ProcessMemory.rssBytes().orElse(0);
        boolean secondOrder = Components.learner(spec.algorithm().name())
                .map(d -> d.can(LearnerDescriptor.Capability.SECOND_ORDER)).orElse(false);
        // the MAML family (a head of one output per way) is checked against exact MAML; ProtoNet and the baselines are not
        boolean exactReference = spec.techniques().worldSize() <= 1 && fidelityAbsent(spec, setup).isEmpty() && Components.learner(spec.algorithm().name())
                .map(d -> d.head() == LearnerDescriptor.Head.WAYS).orElse(false);
        long input = (long) setup.dataset().height() * setup.dataset().width();
        long ways = spec.sampler().ways();
        long data = MemoryEstimate.materialisedBytes((long) spec.train().iterations() * setup.tasksOfRank().perRank() * ways,
                setup.dataset().classNames(Split.TRAIN).size(), setup.dataset().examplesPerClass(Split.TRAIN, 0), input);
        if (setup.evaluates()) {
            Split split = evaluationSplit(spec, setup.testDataset());
            data += MemoryEstimate.materialisedBytes(spec.eval().episodes() * ways, setup.testDataset().classNames(split).size(),
                    setup.testDataset().examplesPerClass(split, 0), input);
        }
        MemoryEstimate estimate = MemoryEstimate.of(spec, setup.model(), resident, data, setup.learner().parameters().count(),
                input, setup.tasksOfRank().perRank(), secondOrder, exactReference, ranksHere);
        if (limit.isPresent() && estimate.machineBytes() > limit.getAsLong()) {
            throw new InvalidTrialException("this trial cannot fit in this machine's " + MemoryEstimate.gib(limit.getAsLong())
                    + " of memory: it is estimated at " + estimate.describe() + "; lower algorithm.meta_batch or the"
                    + " sampler's ways/shots/query, use techniques.chunk or checkpointing, a smaller model or fewer ranks"
                    + " on this machine, or run it on a machine with more memory");
        }
        return estimate;
    }

    /**
     * The classes the evaluation episodes come from: the meta-validation classes for a tuning trial
     * ({@code eval.split: val}), else the test classes. A tuning trial never touches a test class.
     *
     * @throws InvalidTrialException when the data set has no validation classes
     */
    static Split evaluationSplit(TrialSpec spec, FewShotDataset evaluated) {
        if (!spec.eval().onValidation()) {
            return Split.TEST;
        }
        requireValidationClasses(evaluated, "eval.split: val (a tuning search)");
        return Split.VAL;
    }

    private static void requireValidationClasses(FewShotDataset evaluated, String what) {
        if (evaluated.classNames(Split.VAL).isEmpty()) {
            throw new InvalidTrialException("data set " + evaluated.name() + " has no validation classes, so " + what
                    + " cannot run on it: use a data set with a validation split (glyphs, synthetic, udhr, wordnet, image-folder,"
                    + " text-table), or set eval.dataset to one");
        }
    }

    /** Ranks of this trial on this machine: all of them when they meet through a file store, else this one. */
    private static int ranksOnThisMachine(Setup setup) {
        return setup.dataParallel().map(d -> d.info().storeFile() != null ? d.info().worldSize() : 1).orElse(1);
    }

    /** Set by the runner for a data-parallel trial's pre-flight worker ({@link #preflight}). */
    public static final String PREFLIGHT_PROPERTY = "metascale.preflight";

    /**
     * The pre-flight of a data-parallel trial on one machine, run by the runner in one worker before it starts the
     * ranks: set-up as rank 0 without joining a group, then the memory guard for all the trial's ranks. Its record is
     * ok with {@code memory_estimate_bytes} only, or failed ({@code invalid}) when the ranks cannot fit — before the
     * ranks' JVMs exist (64 of them once took ~29 GB of a 23 GB machine).
     */
    public static TrialResult preflight(TrialSpec spec, int threads, String startedAtIso) {
        TorchRuntime.configure(threads);
        Setup setup = setUp(spec, true, Datasets::open);
        MemoryEstimate memory = checkItFits(spec, setup, Math.max(1, spec.techniques().worldSize()), HostMemory.limitBytes());
        Metrics metrics = Metrics.create().put(Metric.MEMORY_ESTIMATE_BYTES, memory.perRankBytes());
        return TrialResult.ok(spec, null, TrialEnvironment.capture(), metrics.json(), null, startedAtIso, Instant.now().toString(), 0);
    }

    /** Data preparation: every episode drawn, the ranks' parameters made equal, every class they touch materialised. */
    private static Episodes prepareData(TrialSpec spec, Setup setup, Consumer<String> log) {
        int iterations = spec.train().iterations();
        int metaBatch = setup.tasksOfRank().perRank();
        List<EpisodeIndex> trainEpisodes = new ArrayList<>(iterations * metaBatch);
        for (int it = 0; it < iterations; it++) {
            for (int t = 0; t < metaBatch; t++) {
                trainEpisodes.add(setup.trainSampler().episode(spec.seed(), setup.tasksOfRank().episodeIndex(it, t)));
            }
        }
        List<EpisodeIndex> testEpisodes = new ArrayList<>(spec.eval().episodes());
        for (long i = 0; setup.evaluates() && i < spec.eval().episodes(); i++) {
            testEpisodes.add(setup.testSampler().episode(spec.eval().seed(), i));
        }
        List<EpisodeIndex> validation = new ArrayList<>();
        if (spec.train().curve()) {
            requireValidationClasses(setup.testDataset(), "train.val_every (the learning curve)");
            EpisodeSampler sampler = Samplers.create(spec.sampler(), setup.testDataset(), Split.VAL);
            for (long i = 0; i < spec.train().curveEpisodes(); i++) {
                validation.add(sampler.episode(spec.eval().seed(), i));
            }
        }
        setup.dataParallel().ifPresent(d -> d.broadcast(setup.learner().parameters()));
        long prepStart = System.nanoTime();
        materialise(setup.dataset(), trainEpisodes);
        materialise(setup.testDataset(), testEpisodes);
        materialise(setup.testDataset(), validation);
        double dataPrepS = (System.nanoTime() - prepStart) / 1e9;
        log.accept(String.format("data: %s, %d train classes, prepared in %.1f s", setup.dataset().name(), setup.trainClasses(),
                dataPrepS));
        return new Episodes(trainEpisodes, testEpisodes, validation, dataPrepS);
    }

    /**
     * Meta-training: each iteration in its own pointer scope (the episode tensors are built from memory and the
     * meta-step runs); the first {@code train.warmup} iterations are not timed; the profiled window's memory is kept
     * out of the training peak.
     */
    private static Training metaTrain(TrialSpec spec, Setup setup, Episodes episodes, Consumer<String> log) {
        int iterations = spec.train().iterations();
        int metaBatch = setup.tasksOfRank().perRank();
        ProcessMemory.resetPeak();
        TrialDevice.current().resetPeak(); // CUDA: the caching allocator's peak of meta-training alone
        OptionalLong baselineRss = ProcessMemory.rssBytes();
        IterationTimer timer = new IterationTimer(iterations, spec.train().warmup());
        SampledProfile profile = spec.techniques().parallelTasks() > 1
                ? SampledProfile.absent("parallel_tasks: libtorch's profiler records the calling thread and the tasks run on their"
                        + " own threads, so the operator profile and peak_tensor_bytes would miss them; peak_rss_bytes covers the"
                        + " whole process")
                : SampledProfile.forTrial(traceName(spec, setup), spec.train().warmup());
        double[] losses = new double[iterations];
        OptionalLong peakProfiled = OptionalLong.empty();
        Optional<HostCpu.Snapshot> hostBefore = HostCpu.snapshot();
        Optional<String> fidelityAbsent = fidelityAbsent(spec, setup);
        MetaGradientFidelity fidelity = fidelityAbsent.isEmpty() ? new MetaGradientFidelity(setup.model(), setup.learner(), spec.algorithm()) : null;
        List<Integer> fidelityAt = MetaGradientFidelity.sampledIterations(iterations, spec.train().warmup());
        List<Double> cosines = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        long peakBeforeChecks = 0;
        int valEvery = spec.train().curve() ? spec.train().valEvery() : 0;
        List<Integer> curveAt = new ArrayList<>();
        List<double[]> curveScores = new ArrayList<>();
        boolean curveDue = false;
        int reachedAt = 0;
        double secondsToTarget = 0;
        int iterationsRun = iterations;
        EpisodePrefetcher prefetch = new EpisodePrefetcher(setup.loader(), episodes.train(), metaBatch, iterations,
                EpisodePrefetcher.spareCore(TorchRuntime.threads()));
        try {
        boolean stepSkipped = false;
        for (int it = 0; it < iterations; it++) {
            if (fidelity != null && fidelityAt.contains(it) && !profile.profiling(it)) {
                // outside the timed and profiled iterations, its memory kept out of the training peak
                peakBeforeChecks = Math.max(peakBeforeChecks, ProcessMemory.peakRssBytes().orElse(0));
                try (PointerScope scope = new PointerScope()) {
                    List<Episode> tasks = new ArrayList<>(metaBatch);
                    for (int t = 0; t < metaBatch; t++) {
                        tasks.add(setup.loader().load(episodes.train().get(it * metaBatch + t)));
                    }
                    Optional<MetaGradientFidelity.Sample> sample = fidelity.measure(setup.learner(), tasks);
                    if (sample.isEmpty()) {
                        fidelityAbsent = Optional.of(spec.algorithm().name() + "'s update approximates no MAML meta-gradient (it"
                                + " optimises its own objective)");
                        fidelity = null;
                    } else {
                        if (Double.isFinite(sample.get().cosine())) { // NaN: a zero gradient on either side
                            cosines.add(sample.get().cosine());
                        }
                        if (Double.isFinite(sample.get().relativeError())) {
                            errors.add(sample.get().relativeError());
                        }
                    }
                }
                ProcessMemory.resetPeak();
            }
            if (profile.opensAt(it)) {
                java.util.OptionalLong state = setup.learner().outerStateBytes();
                if (state.isPresent()) {
                    profile.residentAtOpen(new PeakTensorMemory.Resident(setup.learner().parameters().bytes(), state.getAsLong(),
                            setup.dataParallel().isPresent()));
                }
            }
            profile.beforeIteration(it);
            try (PointerScope scope = new PointerScope()) {
                // built on the prefetch thread while the previous step computed (or here, when no core is spare): outside
                // the timed iteration, which is the computation
                List<Episode> tasks = prefetch.take(it);
                int skippedBefore = LossScaler.current().skipped();
                timer.begin();
                losses[it] = setup.learner().metaStep(tasks);
                timer.end(profile.profiling(it));
                stepSkipped = LossScaler.current().skipped() > skippedBefore;
            }
            profile.afterIteration(it);
            if (profile.closesAfter(it)) {
                // the profiler's event buffers and trace export raise the resident set (measured +77 MiB on a Conv-4
                // trial without a trace file, more with one): the training peak is taken from the iterations after it
                peakProfiled = ProcessMemory.peakRssBytes();
                ProcessMemory.resetPeak();
            }
            // fp16: a step the loss scaler skipped may have a non-finite loss (an inner gradient overflowed): no
            // divergence, its sample is recorded as null
            if (!Double.isFinite(losses[it]) && !stepSkipped) {
                throw new IllegalStateException("meta-training diverged at iteration " + it + " (loss " + losses[it]
                        + "): lower algorithm.outer_lr or algorithm.inner_lr");
            }
            if ((it + 1) % Math.max(1, iterations / 10) == 0 || it + 1 == iterations) {
                log.accept(String.format("iter %d/%d loss %.4f", it + 1, iterations, losses[it]));
            }
            curveDue |= valEvery > 0 && ((it + 1) % valEvery == 0 || it + 1 == iterations);
            // a point of the learning curve: outside the timed iterations and the profiler's window, its memory kept out
            // of the training peak (as the fidelity checks)
            if (curveDue && !(profile.profiling(it) && profile.profiling(it + 1))) {
                curveDue = false;
                peakBeforeChecks = Math.max(peakBeforeChecks, ProcessMemory.peakRssBytes().orElse(0));
                Scores scores = scoreEpisodes(setup, episodes.validation());
                ProcessMemory.resetPeak();
                double[] points = setup.languageModel() ? scores.perplexity() : scores.accuracy();
                curveAt.add(it + 1);
                curveScores.add(points);
                double mean = Statistics.mean(points);
                log.accept(String.format("validation after %d iterations: %s %.4f", it + 1, setup.languageModel() ? "perplexity"
                        : "accuracy", mean));
                Double target = spec.train().until();
                if (target != null && (setup.languageModel() ? mean <= target : mean >= target)) {
                    reachedAt = it + 1;
                    secondsToTarget = training(timer) + prefetch.waitSeconds();
                    iterationsRun = it + 1;
                    log.accept("target " + target + " reached after " + reachedAt + " iterations: training stops");
                    break;
                }
            }
        }
        } finally {
            prefetch.close();
        }
        Optional<HostCpu.Usage> host = hostBefore.flatMap(b -> HostCpu.snapshot().flatMap(a -> HostCpu.between(b, a)));
        OptionalLong peak = ProcessMemory.peakRssBytes();
        if (peak.isPresent() && peakBeforeChecks > peak.getAsLong()) {
            peak = OptionalLong.of(peakBeforeChecks);
        }
        return new Training(java.util.Arrays.copyOf(losses, iterationsRun), timer, profile, baselineRss, peakProfiled, peak, host,
                new Fidelity(List.copyOf(cosines), List.copyOf(errors), fidelityAbsent), iterationsRun,
                curveAt.isEmpty() ? LearningCurve.NONE : new LearningCurve(List.copyOf(curveAt), List.copyOf(curveScores),
                        setup.languageModel(), reachedAt, secondsToTarget), prefetch.waitSeconds(), prefetch.loadSeconds(), prefetch.describe(),
                TrialDevice.current().peakBytes());
    }

    /**
     * Evaluation on the shared test episodes, each in its own pointer scope, at the trial's intra-op threads
     * (task-parallel training lowers the calling thread's share: TaskParallel).
     */
    private static Evaluation evaluate(Setup setup, Episodes episodes) {
        TorchRuntime.configure(TorchRuntime.threads());
        ProcessMemory.resetPeak();
        TrialDevice.current().resetPeak(); // CUDA: the evaluation's own peak, apart from meta-training's
        long evalStart = System.nanoTime();
        Scores scores = scoreEpisodes(setup, episodes.test());
        double evalS = (System.nanoTime() - evalStart) / 1e9;
        return new Evaluation(scores.accuracy(), scores.f1(), scores.perplexity(), scores.bitsPerChar(), evalS,
                ProcessMemory.peakRssBytes(), TrialDevice.current().peakBytes());
    }

    /** Per-episode scores of adapting to each episode, each in its own pointer scope. */
    private record Scores(double[] accuracy, double[] f1, double[] perplexity, double[] bitsPerChar) {
    }

    private static Scores scoreEpisodes(Setup setup, List<EpisodeIndex> list) {
        int n = list.size();
        double[] accuracy = new double[n];
        double[] f1 = new double[n];
        double[] perplexity = new double[n];
        double[] bitsPerChar = new double[n];
        for (int e = 0; e < n; e++) {
            try (PointerScope scope = new PointerScope()) {
                Episode episode = setup.testLoader().load(list.get(e));
                if (setup.languageModel()) {
                    double crossEntropy = setup.learner().adaptAndQueryLoss(episode);
                    perplexity[e] = LanguageModelScores.perplexity(crossEntropy);
                    bitsPerChar[e] = LanguageModelScores.bitsPerCharacter(crossEntropy);
                    continue;
                }
                long[] predicted = setup.learner().adaptAndPredict(episode);
                long[] truth = dev.metascale.engine.torch.ArrayTensors.toLongs(episode.queryY());
                accuracy[e] = ClassificationScores.accuracy(predicted, truth);
                f1[e] = ClassificationScores.macroF1(predicted, truth, episode.ways());
            }
        }
        return new Scores(accuracy, f1, perplexity, bitsPerChar);
    }

    /** Training compute so far: every iteration, warm-up and profiled ones included. */
    private static double training(IterationTimer timer) {
        return timer.totalSeconds() + timer.profiledSeconds();
    }

    /** The record: metrics, raw samples, data identity and environment. */
    private static TrialResult record(TrialSpec spec, Setup setup, MemoryEstimate memory, Episodes episodes, Training training,
                                      Evaluation evaluation, String startedAtIso) {
        int iterations = training.iterationsRun();
        boolean evaluates = setup.evaluates();
        double[] iterTimes = training.timer().samples();
        double timedS = 0;
        for (double t : iterTimes) {
            timedS += t;
        }
        Metrics metrics = Metrics.create();
        if (evaluates && setup.languageModel()) {
            metrics.set(Metric.PERPLEXITY, Statistics.summary(evaluation.perplexity()));
            metrics.set(Metric.BITS_PER_CHAR, Statistics.summary(evaluation.bitsPerChar()));
        } else if (evaluates) {
            metrics.set(Metric.ACCURACY, Statistics.summary(evaluation.accuracy()));
            metrics.set(Metric.F1_MACRO, Statistics.summary(evaluation.f1()));
        }
        if (iterTimes.length > 0) {
            // support + query examples over all training tasks of this rank (variable-size samplers too)
            long samplesOfRank = 0;
            for (EpisodeIndex e : episodes.train()) {
                samplesOfRank += e.supportSize() + e.querySize();
            }
            double samplesPerTask = (double) samplesOfRank / Math.max(1, episodes.train().size());
            metrics.set(Metric.ITER_TIME_S, Statistics.distribution(iterTimes));
            double[] deviceTimes = training.timer().deviceSamples();
            if (deviceTimes.length > 0) {
                metrics.set(Metric.ITER_DEVICE_TIME_S, Statistics.distribution(deviceTimes));
            }
            int groupTasks = setup.tasksOfRank().perStep();
            metrics.put(Metric.THROUGHPUT_TASKS_PER_S, iterTimes.length * (double) groupTasks / timedS);
            metrics.put(Metric.THROUGHPUT_SAMPLES_PER_S, iterTimes.length * (double) groupTasks * samplesPerTask / timedS);
        }
        setup.dataParallel().ifPresent(d -> writeCommunication(metrics, d, iterations, training.timer().totalSeconds()));
        metrics.put(Metric.TRAIN_TIME_S, training.seconds());
        metrics.put(Metric.DATA_WAIT_S, training.dataWaitS());
        metrics.put(Metric.DATA_LOAD_S, training.dataLoadS());
        metrics.put(Metric.DATA_PREFETCH, training.dataPrefetch());
        if (training.timer().profiledIterations() > 0) {
            metrics.put(Metric.PROFILE_WINDOW_S, training.timer().profiledSeconds());
            metrics.put(Metric.PROFILED_ITERATIONS, training.timer().profiledIterations());
        }
        training.host().ifPresent(h -> {
            metrics.put(Metric.HOST_BUSY_CPUS, h.busyCpus());
            metrics.put(Metric.HOST_OTHER_CPUS, h.otherCpus());
            metrics.put(Metric.CPU_STEAL_FRACTION, h.stealFraction());
        });
        metrics.put(Metric.EVAL_TIME_S, evaluation.seconds());
        metrics.put(Metric.DATA_PREP_TIME_S, episodes.dataPrepS());
        training.peak().ifPresent(v -> metrics.put(Metric.PEAK_RSS_BYTES, v));
        training.devicePeak().ifPresent(v -> metrics.put(Metric.PEAK_DEVICE_BYTES, v)); // absent off CUDA: env.device says why
        if (setup.techniques().offload() != null) { // host memory is part of an offloading trial's footprint
            metrics.put(Metric.OFFLOAD_HOST_BYTES, setup.techniques().offload().peakHostBytes());
        }
        training.fidelity().writeTo(metrics);
        training.peakProfileWindow().ifPresent(v -> metrics.put(Metric.PEAK_RSS_PROFILE_WINDOW_BYTES, v));
        training.rssBefore().ifPresent(v -> metrics.put(Metric.RSS_BEFORE_TRAIN_BYTES, v));
        if (evaluates) {
            evaluation.peak().ifPresent(v -> metrics.put(Metric.PEAK_RSS_EVAL_BYTES, v));
            evaluation.devicePeak().ifPresent(v -> metrics.put(Metric.PEAK_DEVICE_EVAL_BYTES, v));
        }
        metrics.put(Metric.PARAM_COUNT, setup.learner().parameters().count());
        metrics.put(Metric.MEMORY_ESTIMATE_BYTES, memory.perRankBytes());
        metrics.put(Metric.FINAL_TRAIN_LOSS, lastFinite(training.losses()));

        ObjectNode samples = Json.MAPPER.createObjectNode();
        samples.set(SampleSeries.ITER_TIME_S.key(), array(iterTimes));
        samples.set(SampleSeries.TRAIN_LOSS.key(), array(training.losses()));
        if (setup.languageModel()) {
            samples.set(SampleSeries.EPISODE_PERPLEXITY.key(), array(evaluation.perplexity()));
        } else {
            samples.set(SampleSeries.EPISODE_ACCURACY.key(), array(evaluation.accuracy()));
        }
        if (spec.sampler().withinGroup() && evaluates) {
            // which domain each test episode was drawn from: the report's per-domain scores read it
            com.fasterxml.jackson.databind.node.ArrayNode groups = samples.putArray(SampleSeries.EPISODE_GROUP.key());
            for (EpisodeIndex e : episodes.test()) {
                groups.add(setup.testDataset().groupNames(e.split()).get(e.classes().get(0)));
            }
        }

        ObjectNode data = identity(setup.dataset());
        if (setup.testDataset() != setup.dataset()) {
            data.set("eval", identity(setup.testDataset()));
        }

        ObjectNode env = TrialEnvironment.capture();
        env.put("model", setup.model().name());
        env.set("checkpointing", setup.learner().describeTechniques());
        AlgorithmSpec stepAlgorithm = spec.algorithm().withMetaBatch(setup.tasksOfRank().perStep());
        Optional<FlopCount> recomputed;
        Optional<IterationFlops> flops;
        if (FIXED_SHAPE.equals(spec.sampler().kind())) {
            recomputed = RecomputeFlops.perIteration(stepAlgorithm, spec.sampler(), setup.model(), setup.techniques());
            flops = TrialFlops.perIteration(stepAlgorithm, spec.sampler(), setup.model(), setup.headClasses());
            metrics.put(Metric.FLOPS_BASIS, "the sampler's episode shape (every episode has it)");
        } else {
            // the episodes of a variable-shape sampler differ: count each drawn task at its own shape
            List<TrialFlops.TaskShape> drawn = episodes.train().subList(0, iterations * setup.tasksOfRank().perRank()).stream()
                    .map(e -> new TrialFlops.TaskShape(e.supportSize(), e.querySize(), e.ways())).toList();
            int ranks = setup.tasksOfRank().worldSize();
            recomputed = RecomputeFlops.perIteration(spec.algorithm(), drawn, iterations, ranks, setup.model(), setup.techniques());
            flops = TrialFlops.perIteration(spec.algorithm(), drawn, iterations, ranks, setup.model(), setup.headClasses());
            metrics.put(Metric.FLOPS_BASIS, String.format(java.util.Locale.ROOT, "the %d training tasks drawn (mean %.1f support +"
                    + " %.1f query examples, %.1f ways)%s", drawn.size(), drawn.stream().mapToLong(TrialFlops.TaskShape::support).average().orElse(0),
                    drawn.stream().mapToLong(TrialFlops.TaskShape::query).average().orElse(0),
                    drawn.stream().mapToInt(TrialFlops.TaskShape::ways).average().orElse(0),
                    ranks > 1 ? ", × " + ranks + " ranks" : ""));
        }
        TrialMeasurements.write(metrics, flops.map(f -> recomputed.map(f::withRecompute).orElse(f)), iterations,
                iterTimes, env.path("cpu_model").asText(null), Precision.computeDtype(spec.techniques().precision()),
                setup.tasksOfRank().worldSize());
        training.curve().writeTo(metrics, samples, spec, training.peak());
        training.profile().writeTo(metrics);
        training.profile().profile().ifPresent(p -> checkProfile(metrics, p, spec, setup, episodes, training.profile().firstIteration()));
        double wall = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        return TrialResult.ok(spec, data, env, metrics.json(), samples, startedAtIso, Instant.now().toString(), wall);
    }

    /** The profiler's FLOPs against the analytic count of what it can see of this rank's profiled iterations. */
    private static void checkProfile(Metrics metrics, dev.metascale.engine.probe.OperatorProfile profile, TrialSpec spec, Setup setup,
                                     Episodes episodes, int first) {
        int perRank = setup.tasksOfRank().perRank();
        AlgorithmSpec rankAlgorithm = spec.algorithm().withMetaBatch(perRank);
        if (FIXED_SHAPE.equals(spec.sampler().kind())) {
            ProfileCheck.write(metrics, profile, rankAlgorithm, Optional.of(spec.sampler()), List.of(), setup.model(), setup.headClasses(),
                    RecomputeFlops.perIteration(rankAlgorithm, spec.sampler(), setup.model(), setup.techniques()));
            return;
        }
        List<TrialFlops.TaskShape> window = episodes.train().subList(first * perRank, (first + profile.windowIterations()) * perRank)
                .stream().map(e -> new TrialFlops.TaskShape(e.supportSize(), e.querySize(), e.ways())).toList();
        ProfileCheck.write(metrics, profile, spec.algorithm(), Optional.empty(), window, setup.model(), setup.headClasses(),
                RecomputeFlops.perIteration(spec.algorithm(), window, profile.windowIterations(), 1, setup.model(), setup.techniques()));
    }

    /** The collectives of a data-parallel trial: waiting time, span, payload and bus bandwidth. */
    private static void writeCommunication(Metrics metrics, DataParallel d, int iterations, double trainSeconds) {
        CommMeter m = d.meter();
        metrics.put(Metric.COMM_TIME_S, m.seconds() / iterations);
        metrics.put(Metric.COMM_TIME_TOTAL_S, m.seconds());
        metrics.put(Metric.COMM_BYTES, m.payloadBytes() / Math.max(1, m.calls()));
        metrics.put(Metric.COMM_WIRE_BYTES, m.wireBytes(d.info().worldSize()) / Math.max(1, m.calls()));
        metrics.put(Metric.COMM_FRACTION, m.seconds() / trainSeconds);
        metrics.put(Metric.COMM_SPAN_TOTAL_S, m.spanSeconds());
        if (m.skewMeasured()) {
            metrics.put(Metric.COMM_SKEW_S, m.skewSeconds() / iterations);
            metrics.put(Metric.COMM_SKEW_TOTAL_S, m.skewSeconds());
        }
        if (m.broadcastBytes() > 0) {
            metrics.put(Metric.COMM_BROADCAST_S, m.broadcastSeconds());
            metrics.put(Metric.COMM_BROADCAST_WIRE_BYTES, m.broadcastWireBytes(d.info().worldSize()));
        }
        metrics.put(Metric.COMM_BACKEND, d.backend());
        metrics.put(Metric.COMM_SEGMENTS, m.segments());
        metrics.put(Metric.COMM_OVERLAPPED_FRACTION, m.payloadBytes() == 0 ? 0.0 : m.overlappedBytes() / (double) m.payloadBytes());
        if (m.spanSeconds() > 0) {
            // NCCL's convention: bus bandwidth = algorithm (wire) bytes per rank over the collective's time (from
            // launch to completion: with overlap this span includes computation, so the figure is a lower bound).
            metrics.put(Metric.COMM_BUS_BANDWIDTH_BYTES_PER_S, m.wireBytes(d.info().worldSize()) / m.spanSeconds());
        }
        metrics.put(Metric.WORLD_SIZE, d.info().worldSize());
        metrics.put(Metric.RANK, d.info().rank());
    }

    /** The trace's file name: the trial id, with {@code .rankR} for ranks above 0 (each rank profiles itself). */
    private static String traceName(TrialSpec spec, Setup setup) {
        int rank = setup.dataParallel().map(d -> d.info().rank()).orElse(0);
        return rank == 0 ? spec.id() : spec.id() + ".rank" + rank;
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

    /** The values as a JSON array, a non-finite one (an fp16 step the loss scaler skipped) as null. */
    private static ArrayNode array(double[] values) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (double v : values) {
            if (Double.isFinite(v)) {
                out.add(v);
            } else {
                out.addNull();
            }
        }
        return out;
    }

    /** The last finite value (the loss of the last step the fp16 loss scaler did not skip); NaN when there is none. */
    private static double lastFinite(double[] values) {
        for (int i = values.length - 1; i >= 0; i--) {
            if (Double.isFinite(values[i])) {
                return values[i];
            }
        }
        return Double.NaN;
    }
}

package dev.metascale.engine.probe;

import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.model.BlockShape;
import dev.metascale.engine.model.Model;

import java.util.List;
import java.util.Locale;

/**
 * What a trial's worker will hold at its peak, predicted after set-up and before anything grows: the resident set
 * measured after set-up (JVM, libtorch, the data set and the model) plus what meta-training adds:
 * <ul>
 *   <li>optimiser: the meta-gradients and Adam's two moments, 3 × parameters × 4 bytes;</li>
 *   <li>episodes: one step's tasks of this rank built at once, tasks × examples × input elements × 4 bytes, and the
 *       episode index of the whole run (≈ 8 bytes per example drawn);</li>
 *   <li>activations: the graphs alive together — {@code max(1, chunk, parallel_tasks)} tasks, each examples ×
 *       activation elements per example × 4 bytes, times (inner steps + 1) for a learner that differentiates through
 *       its inner loop (second-order MAML keeps every inner step's graph), halved-at-best by checkpointing, which the
 *       estimate ignores (an upper bound);</li>
 *   <li>the meta-gradient fidelity check ({@code metagrad_cosine}), when the trial runs it: at its sampled iterations
 *       the exact second-order MAML reference differentiates through every inner step of one task at a time, with no
 *       technique, while the learner's own direction is held — so a first-order learner, or one that checkpoints or
 *       chunks, peaks there: activations at least 1 × (inner steps + 1) graphs, and two more parameter-sized gradient
 *       sets (the direction and the reference).</li>
 * </ul>
 * Besides these: the examples the trial's episodes touch, which data preparation materialises as float arrays on the
 * Java heap (classes touched × examples per class × input elements × 4 bytes, for the train and the test split), and
 * {@link #TRAINING_RUNTIME_BYTES} for what a worker's runtime adds while it trains (JIT, heap turnover, the
 * allocator's retained pages), measured once: peak_rss − rss_before_train − the terms above was 196 MiB for a Conv-4/32
 * second-order MAML trial on glyphs (meta_batch 16, AMD EPYC, 2 threads).
 *
 * <p>Activation elements per example come from the model's blocks: 4 saved tensors per element of a convolutional or
 * vector block (its product, normalisation, activation and pooling outputs), and per token of a transformer block
 * 16 × width (q, k, v, attention output, two norms, two residuals, the 4×-wide MLP twice) plus the attention
 * probabilities (2 × heads × tokens, heads = width / 64). A model without blocks counts its feature width only.
 * The estimate is recorded ({@code memory_estimate_bytes}) beside the measured {@code peak_rss_bytes}, so its error
 * is visible in every record; the guard uses it only to refuse a trial that cannot fit at all.
 *
 * @param afterSetUpBytes   the worker's resident set after set-up (measured)
 * @param dataBytes         the examples data preparation will materialise
 * @param optimizerBytes    meta-gradients and Adam state
 * @param episodeBytes      one step's episode tensors and the run's episode index
 * @param activationBytes   the autograd graphs alive at once
 * @param ranksOnMachine    ranks of this trial on this machine, each about as large
 */
public record MemoryEstimate(long afterSetUpBytes, long dataBytes, long optimizerBytes, long episodeBytes,
                             long activationBytes, int ranksOnMachine) {
    /** What a worker's runtime adds while it trains; see the class comment. */
    public static final long TRAINING_RUNTIME_BYTES = 196L << 20;
    static final int FLOAT_BYTES = 4;
    /** Saved tensors per output element of a convolutional or vector block. */
    static final int SAVED_PER_ELEMENT = 4;

    /** One rank's predicted peak. */
    public long perRankBytes() {
        return afterSetUpBytes + dataBytes + TRAINING_RUNTIME_BYTES + optimizerBytes + episodeBytes + activationBytes;
    }

    /** The machine's: every rank of the trial on it. */
    public long machineBytes() {
        return perRankBytes() * ranksOnMachine;
    }

    /**
     * @param afterSetUpBytes the worker's resident set now
     * @param parameters      the learner's parameter count
     * @param inputElements   elements of one example (height × width)
     * @param secondOrder     whether the learner keeps every inner step's graph for its meta-gradient
     * @param exactReference  whether the trial measures its meta-gradient fidelity against exact second-order MAML
     */
    public static MemoryEstimate of(TrialSpec spec, Model model, long afterSetUpBytes, long dataBytes, long parameters,
                                    long inputElements, int tasksPerRank, boolean secondOrder, boolean exactReference,
                                    int ranksOnMachine) {
        long examples = examplesPerTask(spec.sampler());
        long optimizer = (exactReference ? 5L : 3L) * parameters * FLOAT_BYTES;
        long index = (long) spec.train().iterations() * tasksPerRank * examples * 8;
        long episodes = (long) tasksPerRank * examples * inputElements * FLOAT_BYTES + index;
        int inFlight = Math.min(tasksPerRank, Math.max(1, Math.max(spec.techniques().chunk(), spec.techniques().parallelTasks())));
        int depth = secondOrder ? spec.algorithm().innerSteps() + 1 : 1;
        long perGraph = examples * activationElementsPerExample(model) * FLOAT_BYTES;
        long activations = inFlight * depth * perGraph;
        if (exactReference) {
            activations = Math.max(activations, (spec.algorithm().innerSteps() + 1L) * perGraph);
        }
        return new MemoryEstimate(afterSetUpBytes, dataBytes, optimizer, episodes, activations, ranksOnMachine);
    }

    /**
     * The bytes of the examples materialised for {@code touchedClasses} classes of {@code examplesPerClass} examples
     * of {@code inputElements} floats: at most {@code classesInSplit}.
     */
    public static long materialisedBytes(long touchedClasses, long classesInSplit, long examplesPerClass, long inputElements) {
        return Math.min(touchedClasses, classesInSplit) * examplesPerClass * inputElements * FLOAT_BYTES;
    }

    /** The most examples one task can hold: ways × (the largest support + queries). */
    public static long examplesPerTask(SamplerSpec s) {
        return (long) s.ways() * (s.largestShots() + s.query());
    }

    /** The activation elements autograd keeps per example for one forward (see the class comment). */
    static long activationElementsPerExample(Model model) {
        List<BlockShape> blocks = model.blocks();
        if (blocks.isEmpty()) {
            return (long) SAVED_PER_ELEMENT * model.featureDim();
        }
        long sum = 0;
        for (BlockShape b : blocks) {
            if (b.channelDim() == 2) {
                long heads = Math.max(1, b.width() / 64);
                sum += b.positions() * (16L * b.width() + 2 * heads * b.positions());
            } else {
                sum += (long) SAVED_PER_ELEMENT * b.width() * b.positions();
            }
        }
        return sum;
    }

    /** In words, for a refusal: the total and its parts. */
    public String describe() {
        return String.format(Locale.ROOT, "%s per rank (%s after set-up + %s examples + %s runtime + %s optimiser + %s episodes"
                        + " + %s activations)%s", gib(perRankBytes()), gib(afterSetUpBytes), gib(dataBytes), gib(TRAINING_RUNTIME_BYTES),
                gib(optimizerBytes), gib(episodeBytes), gib(activationBytes),
                ranksOnMachine > 1 ? " × " + ranksOnMachine + " ranks on this machine = " + gib(machineBytes()) : "");
    }

    /** {@code bytes} in GiB, two decimals. */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}

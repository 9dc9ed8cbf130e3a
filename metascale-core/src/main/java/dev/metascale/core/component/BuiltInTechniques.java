package dev.metascale.core.component;

import dev.metascale.core.component.LearnerDescriptor.Capability;
import dev.metascale.core.component.TechniqueDescriptor.Choice;
import dev.metascale.core.component.TechniqueDescriptor.Constraint;
import dev.metascale.core.component.TechniqueDescriptor.Setting;
import dev.metascale.core.component.TechniqueDescriptor.Settings;

import java.util.List;

/**
 * The scaling techniques of this version, one descriptor each, in the order of a suite's {@code techniques:}
 * section (the engine's {@code Techniques} binds an implementation to each key). Each carries the rules that tie
 * it to learners, models and the other techniques; what a rule knows of the components comes from their
 * descriptors ({@link Components}), never from a copied list.
 */
final class BuiltInTechniques {
    private BuiltInTechniques() {
    }

    /** Learners that back-propagate a meta-loss and so apply task chunking, parallel tasks and the all-reduce overlap. */
    private static List<String> chunked() {
        return Components.learnersThat(Capability.META_LOSS);
    }

    /** Models that expose feature blocks for segment recompute. */
    private static List<String> segmented() {
        return Components.models().stream().filter(ModelDescriptor::featureBlocks).map(ModelDescriptor::name).toList();
    }

    /** "maml (query pass only), fomaml, ...": what activation checkpointing covers in each learner that applies it. */
    private static String checkpointingScopes() {
        return Components.inWords(Components.learners().stream().filter(d -> d.can(Capability.CHECKPOINTING))
                .map(LearnerDescriptor::checkpointingScope).toList());
    }

    /** Why activation checkpointing cannot apply to model {@code arch}, or null when the model exposes feature blocks. */
    static String checkpointingRejection(String arch) {
        List<String> segmented = segmented();
        return segmented.contains(arch) ? null
                : "activation checkpointing needs a model that exposes its feature blocks (" + String.join(", ", segmented)
                        + "); " + arch + " does not in this version; use checkpointing: false";
    }

    /** Tasks one process computes per meta-step: the meta-batch, split over the ranks under strong scaling. */
    private static int tasksPerStep(Settings c) {
        int batch = c.integer("algorithm.meta_batch");
        return "strong".equals(c.text("techniques.scaling")) ? Math.max(1, batch / c.integer("techniques.world_size")) : batch;
    }

    private static Constraint rule(List<String> paths, java.util.function.Predicate<Settings> violated,
                                   java.util.function.Function<Settings, String> reason) {
        return new Constraint(paths, violated, reason);
    }

    static final TechniqueDescriptor PRECISION = new TechniqueDescriptor("precision",
            "numeric precision of the forward and backward passes: bf16 and fp16 autocast keep parameters and optimiser"
                    + " state in float32; fp16 adds dynamic loss scaling (mixed precision, Micikevicius et al. 2018)",
            Setting.names("fp32", List.of(
                    Choice.available("fp32", "float32 throughout"),
                    Choice.available("bf16", "bfloat16 autocast (parameters and optimiser in float32)"),
                    Choice.available("fp16", "float16 autocast with dynamic loss scaling of the outer and inner-loop gradients"
                            + " (parameters and optimiser in float32)")), true),
            List.of(rule(List.of("techniques.precision", "algorithm.name"),
                    c -> "fp16".equals(c.text("techniques.precision"))
                            && !Components.learnersThat(Capability.LOSS_SCALING).contains(c.text("algorithm.name")),
                    c -> "fp16 needs dynamic loss scaling of every gradient the learner forms, which this version applies in "
                            + Components.inWords(Components.learnersThat(Capability.LOSS_SCALING)) + ", not "
                            + c.text("algorithm.name") + "; use precision: bf16 (float32's exponent range: no scaling needed)"
                            + " or fp32")));

    static final TechniqueDescriptor CHECKPOINTING = new TechniqueDescriptor("checkpointing",
            "activation checkpointing: the model's feature blocks in N segments, each recomputed in the backward"
                    + " (Chen et al. 2016, sublinear memory)",
            Setting.segments(),
            List.of(
                    rule(List.of("techniques.checkpointing", "algorithm.name"),
                            c -> c.integer("techniques.checkpointing") > 0
                                    && !Components.learnersThat(Capability.CHECKPOINTING).contains(c.text("algorithm.name")),
                            c -> "activation checkpointing is implemented for " + checkpointingScopes() + " in this version, not "
                                    + c.text("algorithm.name") + "; use checkpointing: false"),
                    rule(List.of("techniques.checkpointing", "model.arch"),
                            c -> c.integer("techniques.checkpointing") > 0 && checkpointingRejection(c.text("model.arch")) != null,
                            c -> checkpointingRejection(c.text("model.arch")))));

    static final TechniqueDescriptor WORLD_SIZE = new TechniqueDescriptor("world_size",
            "synchronous data parallelism over N worker processes: each step's meta-gradient (Reptile: the adapted"
                    + " weights) averaged by an all-reduce (Goyal et al. 2017; PyTorch DDP, Li et al. 2020)",
            Setting.integer(1, 1),
            List.of());

    static final TechniqueDescriptor SCALING = new TechniqueDescriptor("scaling",
            "data-parallel scaling: strong splits the global meta-batch over the ranks, weak gives each rank a full one",
            Setting.names("strong", List.of(Choice.available("strong", "the meta-batch split over the ranks"),
                    Choice.available("weak", "a full meta-batch per rank")), false),
            List.of(rule(List.of("algorithm.meta_batch", "techniques.world_size", "techniques.scaling"),
                    c -> "strong".equals(c.text("techniques.scaling"))
                            && c.integer("algorithm.meta_batch") % c.integer("techniques.world_size") != 0,
                    c -> "strong scaling splits meta_batch " + c.integer("algorithm.meta_batch") + " over world_size "
                            + c.integer("techniques.world_size") + ": use a meta_batch divisible by the world size,"
                            + " or scaling: weak")));

    static final TechniqueDescriptor CHUNK = new TechniqueDescriptor("chunk",
            "gradient accumulation over chunks of the meta-batch: N tasks' graphs alive and back-propagated together",
            Setting.integer(0, 0),
            List.of(
                    rule(List.of("techniques.chunk", "algorithm.name"),
                            c -> c.integer("techniques.chunk") > 0 && !chunked().contains(c.text("algorithm.name")),
                            c -> "task chunking is implemented for " + Components.inWords(chunked()) + " (which back-propagate a"
                                    + " meta-loss); " + c.text("algorithm.name") + " updates task by task already; use chunk: 0"),
                    rule(List.of("techniques.chunk", "techniques.checkpointing"),
                            c -> c.integer("techniques.chunk") > 0 && c.integer("techniques.checkpointing") > 0
                                    && !c.bool("techniques.vectorize_tasks"), // vectorized: G tasks per recomputed batch
                            c -> "with activation checkpointing the tasks are back-propagated one at a time, so chunk has no"
                                    + " effect; use chunk: 0 with checkpointing (or add vectorize_tasks: chunk is then the"
                                    + " tasks per batched computation)")));

    static final TechniqueDescriptor OFFLOAD = new TechniqueDescriptor("offload",
            "checkpointed segments' inputs kept in host memory while a CUDA device computes (page-locked copies,"
                    + " brought back for each segment's recompute)",
            Setting.flag(),
            List.of(rule(List.of("techniques.offload", "techniques.checkpointing"),
                            c -> c.bool("techniques.offload") && c.integer("techniques.checkpointing") < 2,
                            c -> "offload moves the inputs of checkpointed segments to host memory, so it needs"
                                    + " checkpointing: N (N >= 2: the first segment's input is the episode itself);"
                                    + " add checkpointing or remove offload"),
                    rule(List.of("techniques.offload", "techniques.device"),
                            c -> c.bool("techniques.offload") && !c.text("techniques.device").startsWith("cuda"),
                            c -> "offload keeps checkpointed segments' inputs in host memory while a CUDA device computes;"
                                    + " on device " + c.text("techniques.device") + " every tensor already lives in host"
                                    + " memory: use device: cuda, or remove offload (checkpointing alone applies here)")));

    static final TechniqueDescriptor PARALLEL_TASKS = new TechniqueDescriptor("parallel_tasks",
            "task parallelism: N tasks of the meta-batch at the same time, each on its own thread with threads / N"
                    + " intra-op threads, instead of operator parallelism",
            Setting.integer(0, 0),
            List.of(
                    rule(List.of("techniques.parallel_tasks"),
                            c -> c.integer("techniques.parallel_tasks") == 1,
                            c -> "parallel_tasks: 1 is the default order (one task after another): leave it out or write 0,"
                                    + " or give 2 or more tasks to compute at the same time"),
                    rule(List.of("techniques.parallel_tasks", "algorithm.name"),
                            c -> c.integer("techniques.parallel_tasks") > 1 && !chunked().contains(c.text("algorithm.name")),
                            c -> "parallel tasks are implemented for " + Components.inWords(chunked()) + " (whose tasks'"
                                    + " meta-gradients are independent until they are summed), not " + c.text("algorithm.name")
                                    + "; remove parallel_tasks"),
                    rule(List.of("techniques.parallel_tasks", "algorithm.meta_batch", "techniques.world_size", "techniques.scaling"),
                            c -> c.integer("techniques.parallel_tasks") > 1 && c.integer("techniques.parallel_tasks") > tasksPerStep(c),
                            c -> "parallel_tasks " + c.integer("techniques.parallel_tasks") + " exceeds the " + tasksPerStep(c)
                                    + " tasks each process takes per step (meta_batch " + c.integer("algorithm.meta_batch")
                                    + ("strong".equals(c.text("techniques.scaling")) && c.integer("techniques.world_size") > 1
                                            ? " over world_size " + c.integer("techniques.world_size") : "")
                                    + "): use at most " + tasksPerStep(c)),
                    rule(List.of("techniques.parallel_tasks", "techniques.checkpointing"),
                            c -> c.integer("techniques.parallel_tasks") > 1 && c.integer("techniques.checkpointing") > 0,
                            c -> "activation checkpointing keeps one task's activations alive at a time and parallel tasks keep"
                                    + " several alive together: choose one (checkpointing: false or remove parallel_tasks)"),
                    rule(List.of("techniques.parallel_tasks", "techniques.chunk"),
                            c -> c.integer("techniques.parallel_tasks") > 1 && c.integer("techniques.chunk") > 0,
                            c -> "task chunking sums chunk tasks' losses into one backward on one thread; parallel tasks"
                                    + " back-propagate each task on its own thread: use chunk: 0 with parallel_tasks"),
                    rule(List.of("techniques.parallel_tasks", "techniques.precision"),
                            c -> c.integer("techniques.parallel_tasks") > 1 && !"fp32".equals(c.text("techniques.precision")),
                            c -> "libtorch's autocast state belongs to the thread that set it, so the task threads would compute in"
                                    + " fp32 regardless; this version runs parallel tasks in fp32 only: use precision: fp32 or remove"
                                    + " parallel_tasks")));

    static final TechniqueDescriptor OVERLAP_ALLREDUCE = new TechniqueDescriptor("overlap_allreduce",
            "data-parallel: the gradient bucket all-reduced in segments during the step's last backward, each as soon as"
                    + " its gradients are final (PyTorch DDP's bucketing, Li et al. 2020)",
            Setting.flag(),
            List.of(
                    rule(List.of("techniques.overlap_allreduce", "techniques.world_size"),
                            c -> c.bool("techniques.overlap_allreduce") && c.integer("techniques.world_size") < 2,
                            c -> "overlap_allreduce overlaps the data-parallel gradient all-reduce with back-propagation; with"
                                    + " world_size " + c.integer("techniques.world_size") + " there is none: use world_size: 2 or"
                                    + " more, or remove overlap_allreduce"),
                    rule(List.of("techniques.overlap_allreduce", "algorithm.name"),
                            c -> c.bool("techniques.overlap_allreduce") && !chunked().contains(c.text("algorithm.name")),
                            c -> "overlap_allreduce is implemented for " + Components.inWords(chunked()) + " (whose last backward"
                                    + " of a step makes the meta-gradient final), not " + c.text("algorithm.name")
                                    + "; remove overlap_allreduce"),
                    rule(List.of("techniques.overlap_allreduce", "techniques.parallel_tasks"),
                            c -> c.bool("techniques.overlap_allreduce") && c.integer("techniques.parallel_tasks") > 1,
                            c -> "with parallel_tasks the task threads' gradients are added into the bucket in one final step,"
                                    + " which leaves no back-propagation to overlap: choose one (remove overlap_allreduce or"
                                    + " parallel_tasks)"),
                    rule(List.of("techniques.overlap_allreduce", "techniques.checkpointing"),
                            c -> c.bool("techniques.overlap_allreduce") && c.integer("techniques.checkpointing") > 0,
                            c -> "the checkpointed path back-propagates segment by segment outside the step's last backward,"
                                    + " so nothing would overlap: choose one (checkpointing: false or remove overlap_allreduce)")));

    /** Models that compute a meta-batch's tasks as one batched computation. */
    private static List<String> batched() {
        return Components.models().stream().filter(ModelDescriptor::batchedTasks).map(ModelDescriptor::name).toList();
    }

    static final TechniqueDescriptor VECTORIZE_TASKS = new TechniqueDescriptor("vectorize_tasks",
            "the meta-batch's tasks as one batched computation, each task with its own fast weights (batched matrix products,"
                    + " grouped convolutions, per-task batch-norm statistics), as torch.func's vmap does for MAML; with chunk: G,"
                    + " G tasks per batched computation",
            Setting.flag(),
            List.of(
                    rule(List.of("techniques.vectorize_tasks", "algorithm.name"),
                            c -> c.bool("techniques.vectorize_tasks")
                                    && !Components.learnersThat(Capability.VECTORIZED_TASKS).contains(c.text("algorithm.name")),
                            c -> "vectorize_tasks is implemented for " + Components.inWords(Components.learnersThat(Capability.VECTORIZED_TASKS))
                                    + " in this version, not " + c.text("algorithm.name") + "; remove vectorize_tasks"),
                    rule(List.of("techniques.vectorize_tasks", "model.arch"),
                            c -> c.bool("techniques.vectorize_tasks") && !batched().contains(c.text("model.arch")),
                            c -> "vectorize_tasks needs a model that computes tasks as one batch (" + String.join(", ", batched())
                                    + "); " + c.text("model.arch") + " does not in this version; remove vectorize_tasks"),
                    rule(List.of("techniques.vectorize_tasks", "sampler.kind"),
                            c -> c.bool("techniques.vectorize_tasks") && !"fixed".equals(c.text("sampler.kind")),
                            c -> "vectorize_tasks stacks the tasks of a meta-batch into one tensor, so every task needs the same"
                                    + " shape; the " + c.text("sampler.kind") + " sampler draws tasks of different sizes: use"
                                    + " sampler.kind: fixed or remove vectorize_tasks"),
                    rule(List.of("techniques.vectorize_tasks", "techniques.parallel_tasks"),
                            c -> c.bool("techniques.vectorize_tasks") && c.integer("techniques.parallel_tasks") > 1,
                            c -> "vectorize_tasks computes the tasks as one batched operation, parallel_tasks on their own"
                                    + " threads: choose one"),
                    rule(List.of("techniques.vectorize_tasks", "techniques.overlap_allreduce"),
                            c -> c.bool("techniques.vectorize_tasks") && c.bool("techniques.overlap_allreduce"),
                            c -> "vectorize_tasks back-propagates the meta-batch in one pass after which the all-reduce runs;"
                                    + " this version does not overlap it: remove overlap_allreduce")));

    static final TechniqueDescriptor DEVICE = new TechniqueDescriptor("device",
            "the device the trial computes on: cpu, cuda (the GPU of each data-parallel rank: one GPU per local rank) or"
                    + " cuda:N; CUDA needs the cuda build (mvn -Pcuda) and a visible GPU, checked when the trial starts",
            Setting.names("cpu", java.util.stream.Stream.concat(java.util.stream.Stream.of(
                    Choice.available("cpu", "libtorch's CPU kernels"),
                    Choice.available("cuda", "the GPU of the worker's rank (rank mod the GPUs visible)")),
                    java.util.stream.IntStream.range(0, 8).mapToObj(i -> Choice.available("cuda:" + i, "GPU " + i))).toList(), false),
            List.of(rule(List.of("techniques.device", "techniques.world_size"),
                    c -> c.text("techniques.device").startsWith("cuda:") && c.integer("techniques.world_size") > 1,
                    c -> "data parallelism on CUDA gives each rank its own GPU (NCCL refuses two ranks on one GPU), so "
                            + c.text("techniques.device") + " cannot serve world_size " + c.integer("techniques.world_size")
                            + ": use device: cuda (rank r computes on GPU r of its node)")));

    /** In the order of the suite schema's {@code techniques} keys. */
    static final List<TechniqueDescriptor> ALL = List.of(PRECISION, CHECKPOINTING, WORLD_SIZE, SCALING, CHUNK, OFFLOAD,
            PARALLEL_TASKS, OVERLAP_ALLREDUCE, VECTORIZE_TASKS, DEVICE);
}

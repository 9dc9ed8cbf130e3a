package dev.metascale.engine.dist;

import dev.metascale.engine.torch.TrialDevice;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.FunctionPostHook;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.Node;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.FileStore;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Data-parallel meta-training over PyTorch's c10d: the ranks rendezvous through a FileStore on one machine
 * (a TCPStore served by rank 0 across nodes: {@link RankInfo}), join a process group — {@code ProcessGroupGloo} when the
 * trial computes on the CPU, {@code ProcessGroupNCCL} when it computes on CUDA (one GPU per local rank, the buckets on
 * it: NVLink/PCIe/InfiniBand as NCCL finds them) — start from rank 0's parameters (broadcast) and
 * average their meta-gradients with one all-reduce of a flat bucket per step: every gradient is
 * copied into one contiguous buffer, reduced (sum) in a single collective, divided by the world
 * size and copied back. One bucket instead of one collective per tensor: ENGINE-NOTES.md measured
 * 16 × 1 MB all-reduces at 17–93 ms against a steady 16–23 ms for one 16 MB bucket. When the optimiser
 * zeroes through {@link #zeroGradients}, the gradients are views of a persistent bucket and the
 * all-reduce works on it in place (no copies).
 *
 * <p>Overlap ({@code techniques.overlap_allreduce}; DDP's bucketed all-reduce during back-propagation, Li et al.,
 * "PyTorch Distributed", VLDB 2020, sec. 3.2.3): the bucket is cut at parameter boundaries into segments, and during
 * the step's last backward ({@link #lastBackward}) a post-hook on each parameter's gradient accumulator marks its
 * gradient final; a segment whose parameters are all final is all-reduced asynchronously while back-propagation
 * goes on. Only the last backward of a step can overlap: the meta-gradient is accumulated task by task, so no
 * gradient is final before it. Measured on 2 ranks sharing 2 cores it does not shorten the step (docs/performance.md),
 * so it is off unless a trial asks for it.
 *
 * <p>A peer that dies or hangs makes the collective fail after the rank's timeout with an
 * exception naming this rank; the worker then fails and the runner records the trial failed.
 */
public final class DataParallel implements AutoCloseable {
    /** Per thread: a worker trains on one thread; tests run several ranks as threads of one JVM. */

    private final RankInfo info;
    private final Store store;
    private final Backend group;
    private final String backend;
    private final CommMeter meter = new CommMeter();
    private final java.util.Map<ParamSet, GradientBucket> buckets = new java.util.IdentityHashMap<>();
    /** The smallest segment of the gradient bucket that is all-reduced on its own during back-propagation. */
    static final long SEGMENT_BYTES = 256 * 1024;
    /** The most segments the gradient bucket is cut into. */
    static final int MAX_SEGMENTS = 4;

    private DataParallel(RankInfo info, Store store, Backend group, String backend) {
        this.info = info;
        this.store = store;
        this.group = group;
        this.backend = backend;
    }

    /** Joins the group (blocks until every rank arrived or the timeout passed); the learners receive it through their techniques ({@code TrainingTechniques.inGroup}). */
    public static DataParallel join(RankInfo info) {
        long timeoutMs = info.timeout().toMillis();
        Store store;
        try {
            store = info.storeFile() != null ? fileStore(info, timeoutMs) : tcpStore(info, timeoutMs);
        } catch (RuntimeException e) {
            throw new IllegalStateException("rank " + info.rank() + " could not join the rendezvous at " + info.rendezvous()
                    + " within " + info.timeout().toSeconds() + " s (" + e.getMessage()
                    + "); is every rank running and the port free?", e);
        }
        Backend group;
        String backend;
        if (TrialDevice.current().isCuda()) {
            // NCCL all-reduces device memory in place; the ranks' GPUs are their local ranks' (TrialDevice.resolve)
            org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options nccl = org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options.create();
            nccl.timeout(new Milliseconds(timeoutMs));
            group = new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store, info.rank(), info.worldSize(), nccl);
            backend = "nccl";
        } else {
            ProcessGroupGloo.Options gloo = ProcessGroupGloo.Options.create(new Milliseconds(timeoutMs));
            // Each rank's Gloo device binds to its own interface: loopback for a single-machine run, the
            // machine's default interface (its hostname's address) when the ranks span nodes.
            boolean loopback = info.storeFile() != null || info.masterHost().startsWith("127.") || info.masterHost().equals("localhost");
            gloo.devices(new GlooDeviceVector(loopback ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1")
                    : ProcessGroupGloo.createDefaultDevice()));
            group = new ProcessGroupGloo(store, info.rank(), info.worldSize(), gloo);
            backend = "gloo";
        }
        store.retainReference();
        group.retainReference();
        return new DataParallel(info, store, group, backend);
    }

    /** The ranks of one machine meet through a file: no listening socket (a TCPStore server binds every interface). */
    private static Store fileStore(RankInfo info, long timeoutMs) {
        FileStore store = new FileStore(info.storeFile().toAbsolutePath().toString(), info.worldSize());
        store.setTimeout(new Milliseconds(timeoutMs));
        return store;
    }

    /** Across nodes: rank 0 serves a TCPStore at {@code masterHost:masterPort}, the others connect to it. */
    private static Store tcpStore(RankInfo info, long timeoutMs) {
        TCPStoreOptions options = new TCPStoreOptions();
        options.port((short) info.masterPort());
        options.isServer(info.isLeader());
        options.numWorkers(new SizeTPointer(1).put(info.worldSize()));
        options.waitWorkers(true);
        options.timeout(new Milliseconds(timeoutMs));
        return new TCPStore(info.masterHost(), options);
    }

    public RankInfo info() {
        return info;
    }

    public CommMeter meter() {
        return meter;
    }

    /** Overwrites every rank's parameters with rank 0's (one flat broadcast). */
    public void broadcast(ParamSet params) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor flat = flatten(params.tensors());
            long start = System.nanoTime();
            wait(group.broadcast(new TensorVector(flat)), "broadcast");
            meter.recordBroadcast((System.nanoTime() - start) / 1e9, flat.numel() * flat.element_size());
            unflatten(flat, params.tensors());
        }
    }

    /**
     * Zeroes the gradients of {@code params} for the next step, keeping every {@code .grad()} a view of one
     * contiguous bucket (allocated on the first call, kept for the group's life; DDP's
     * {@code gradient_as_bucket_view}). Back-propagation then accumulates in place into the bucket (autograd
     * adds into a defined gradient outside {@code create_graph}), so {@link #allReduceGradients} reduces the
     * bucket itself: no copy in, no copy out, no fresh buffer per step.
     */
    public void zeroGradients(ParamSet params) {
        GradientBucket bucket = buckets.computeIfAbsent(params, GradientBucket::new);
        bucket.attach();
    }

    /**
     * Runs the step's last back-propagation of {@code loss} into the gradients, all-reducing each segment of the
     * bucket as soon as its gradients are final (see the class comment); {@link #allReduceGradients} then launches
     * the rest and waits. Without an attached bucket (the gradients are not the bucket's views) it is a plain
     * {@code backward()}.
     */
    public void lastBackward(Tensor loss) {
        List<GradientBucket> armed = new ArrayList<>();
        for (GradientBucket bucket : buckets.values()) {
            if (bucket.attached()) {
                bucket.arm();
                armed.add(bucket);
            }
        }
        try {
            loss.backward();
        } finally {
            armed.forEach(GradientBucket::disarm);
        }
    }

    /**
     * Replaces each parameter's {@code .grad()} by its mean over the ranks: the bucket's segments that
     * {@link #lastBackward} did not launch are launched now (all of them for a bucket of one segment), then all are
     * waited for. Gradients that are not the bucket's views are copied into one flat all-reduce.
     */
    public void allReduceGradients(ParamSet params) {
        GradientBucket bucket = buckets.get(params);
        if (bucket != null && bucket.attached()) {
            try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
                if (bucket.firstLaunch == Long.MAX_VALUE) {
                    align(); // nothing launched during the backward: align the ranks, so the transfer is timed alone
                }
                long start = System.nanoTime();
                bucket.launchRemaining();
                bucket.awaitAll();
                long end = System.nanoTime();
                bucket.flat.div_(new Scalar(info.worldSize()));
                double span = (end - Math.min(start, bucket.firstLaunch)) / 1e9;
                meter.segments(bucket.collectives());
                meter.record((end - start) / 1e9, span, bucket.bytes(), bucket.overlappedBytes);
                bucket.reset();
            }
            return;
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            List<Tensor> grads = new ArrayList<>(params.size());
            for (Tensor p : params.tensors()) {
                Tensor g = p.grad();
                if (!g.defined()) {
                    g = torch.zeros_like(p);
                    p.mutable_grad().put(g);
                }
                grads.add(g);
            }
            allReduceMean(grads);
        }
    }

    /** Replaces each tensor by its mean over the ranks, in place: one flat all-reduce. */
    public void allReduceMean(List<Tensor> tensors) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor flat = flatten(tensors);
            timed(() -> wait(group.allreduce(new TensorVector(flat)), "all-reduce"), flat);
            flat.div_(new Scalar(info.worldSize()));
            unflatten(flat, tensors);
        }
    }

    /** Waits until every rank arrived here. */
    public void barrier() {
        wait(group.barrier(), "barrier");
    }

    /** Meets the other ranks at a barrier, timing the wait for the slowest as skew (nccl-tests' barrier before timing). */
    private void align() {
        long start = System.nanoTime();
        wait(group.barrier(), "barrier");
        meter.recordSkew((System.nanoTime() - start) / 1e9);
    }

    private void timed(Runnable collective, Tensor payload) {
        align();
        long start = System.nanoTime();
        collective.run();
        meter.record((System.nanoTime() - start) / 1e9, payload.numel() * payload.element_size());
    }

    /** The process group's backend: {@code gloo} (CPU) or {@code nccl} (CUDA). */
    public String backend() {
        return backend;
    }

    private void wait(Work work, String what) {
        try {
            work._wait(new Milliseconds(info.timeout().toMillis()));
            // NCCL's wait orders the compute stream after the collective without blocking the host: the device is
            // synchronised so that the collective's time is measured and its result final when the host reads it
            TrialDevice.current().synchronize();
        } catch (RuntimeException e) {
            throw new IllegalStateException("rank " + info.rank() + " of " + info.worldSize() + ": " + what
                    + " failed or timed out after " + info.timeout().toSeconds() + " s — a peer rank died or hangs ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * One flat buffer holding the gradients of a parameter set, each parameter's {@code .grad()} a view of it, cut
     * into segments at parameter boundaries for the overlapped all-reduce. Segments are launched strictly from the
     * bucket's end (the parameters back-propagation reaches first) towards its start, so every rank issues the same
     * collectives in the same order whatever order its hooks fire in.
     */
    private final class GradientBucket {
        private final ParamSet params;
        private final Tensor flat;
        private final Tensor[] views;
        /** Segment k holds parameters [segmentStart[k], segmentStart[k + 1]); launched from the last segment down. */
        private final int[] segmentStart;
        private final Tensor[] segments;
        private final int[] segmentOf;
        private final int[] pending;
        private final List<Work> inFlight = new ArrayList<>();
        /** Kept for the process's life: each hook is owned by its accumulator, which calls back into it. */
        private final List<Object> keepAlive = new ArrayList<>();
        private volatile boolean armed;
        private boolean armedThisStep;
        private boolean hooked;
        private int nextToLaunch;
        private long firstLaunch = Long.MAX_VALUE;
        private long overlappedBytes;
        private RuntimeException hookFailure;

        GradientBucket(ParamSet params) {
            this.params = params;
            int n = params.size();
            views = new Tensor[n];
            long[] offsets = new long[n + 1];
            try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
                Tensor first = params.tensors().get(0);
                flat = torch.zeros(new long[]{params.count()}, first.options());
                flat.retainReference();
                for (int i = 0; i < n; i++) {
                    Tensor p = params.tensors().get(i);
                    views[i] = flat.narrow(0, offsets[i], p.numel()).view(p.sizes());
                    views[i].retainReference();
                    offsets[i + 1] = offsets[i] + p.numel();
                }
            }
            segmentStart = segmentBoundaries(offsets, views[0].element_size());
            int count = segmentStart.length - 1;
            segments = new Tensor[count];
            segmentOf = new int[n];
            pending = new int[count];
            try (PointerScope scope = new PointerScope()) {
                for (int k = 0; k < count; k++) {
                    long from = offsets[segmentStart[k]];
                    segments[k] = flat.narrow(0, from, offsets[segmentStart[k + 1]] - from);
                    segments[k].retainReference();
                    for (int i = segmentStart[k]; i < segmentStart[k + 1]; i++) {
                        segmentOf[i] = k;
                    }
                }
            }
            reset();
        }

        long bytes() {
            return flat.numel() * flat.element_size();
        }

        /**
         * A post-hook on each parameter's gradient accumulator (reached through a view's {@code grad_fn}; holding
         * the node keeps it the accumulator of every later graph). It fires after back-propagation added the
         * parameter's gradient into {@code .grad()}.
         */
        private void registerHooks() {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.tensors().get(i);
                if (!p.requires_grad() || !p.is_leaf()) {
                    continue;
                }
                try (PointerScope scope = new PointerScope()) {
                    Node accumulator = p.view_as(p).grad_fn().next_edge(0).function();
                    accumulator.retainReference();
                    FinalGradientHook hook = new FinalGradientHook(i);
                    hook.retainReference();
                    accumulator.add_post_hook(hook);
                    hook.deallocate(false); // the accumulator owns it now
                    keepAlive.add(accumulator);
                    keepAlive.add(hook);
                }
            }
        }

        private final class FinalGradientHook extends FunctionPostHook {
            private final int param;

            FinalGradientHook(int param) {
                this.param = param;
            }

            @Override
            public TensorVector apply(TensorVector outputs, TensorVector inputs) {
                if (armed) {
                    try {
                        gradientFinal(param);
                    } catch (RuntimeException e) {
                        hookFailure = e; // rethrown by allReduceGradients: an exception must not cross into libtorch
                    }
                }
                return outputs;
            }
        }

        private void gradientFinal(int param) {
            int k = segmentOf[param];
            if (--pending[k] == 0) {
                while (nextToLaunch >= 0 && pending[nextToLaunch] == 0) {
                    launch(nextToLaunch, true);
                }
            }
        }

        private void launch(int k, boolean duringBackward) {
            long now = System.nanoTime();
            firstLaunch = Math.min(firstLaunch, now);
            Work work = group.allreduce(new TensorVector(segments[k]));
            work.retainReference();
            inFlight.add(work);
            if (duringBackward) {
                overlappedBytes += segments[k].numel() * segments[k].element_size();
            }
            nextToLaunch = k - 1;
        }

        /** The step's last backward begins: segments are launched as their gradients become final. */
        void arm() {
            if (!hooked && segments.length > 1) {
                registerHooks();
            }
            hooked = true;
            armedThisStep = true;
            armed = true;
        }

        /** Collectives this step uses: the segments when the last backward was armed, else the whole bucket. */
        int collectives() {
            return armedThisStep ? segments.length : 1;
        }

        void disarm() {
            armed = false;
        }

        void launchRemaining() {
            if (hookFailure != null) {
                RuntimeException e = hookFailure;
                hookFailure = null;
                throw new IllegalStateException("rank " + info.rank() + ": the overlapped all-reduce failed during back-propagation ("
                        + e.getMessage() + ")", e);
            }
            if (!armedThisStep) { // not overlapped: the whole bucket in one collective
                firstLaunch = System.nanoTime();
                Work work = group.allreduce(new TensorVector(flat));
                work.retainReference();
                inFlight.add(work);
                nextToLaunch = -1;
            }
            while (nextToLaunch >= 0) {
                launch(nextToLaunch, false);
            }
        }

        void awaitAll() {
            try {
                for (Work work : inFlight) {
                    DataParallel.this.wait(work, "all-reduce");
                }
            } finally {
                inFlight.forEach(Work::releaseReference);
                inFlight.clear();
            }
        }

        /** Ready for the next step: no segment launched, every parameter's gradient pending. */
        void reset() {
            for (int k = 0; k < pending.length; k++) {
                pending[k] = segmentStart[k + 1] - segmentStart[k];
            }
            nextToLaunch = pending.length - 1;
            firstLaunch = Long.MAX_VALUE;
            overlappedBytes = 0;
            armedThisStep = false;
        }

        /** Zeroes the bucket and makes each {@code .grad()} its view again (an optimiser may have replaced one). */
        void attach() {
            if (!inFlight.isEmpty()) { // a step that failed after launching: let its collectives finish first
                awaitAll();
            }
            try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
                flat.zero_();
                for (int i = 0; i < views.length; i++) {
                    Tensor p = params.tensors().get(i);
                    if (!p.grad().defined() || !p.grad().is_same(views[i])) {
                        p.mutable_grad().put(views[i]);
                    }
                }
            }
            reset();
        }

        /** Whether every gradient still is its view (so the bucket holds the accumulated gradients). */
        boolean attached() {
            try (PointerScope scope = new PointerScope()) {
                for (int i = 0; i < views.length; i++) {
                    if (!params.tensors().get(i).grad().is_same(views[i])) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    /**
     * Where the bucket is cut: whole parameters, taken from the end, close a segment once it holds at least the
     * target — {@link #SEGMENT_BYTES}, or a {@link #MAX_SEGMENTS}th of the bucket when that is more (a collective
     * costs ~1 ms of fixed overhead on Gloo, ENGINE-NOTES.md) — and what is left before it holds at least the target
     * too; the rest joins the first segment. A bucket below twice the target stays one segment. Returns the
     * segments' first parameter indices followed by the parameter count.
     */
    static int[] segmentBoundaries(long[] offsets, long elementSize) {
        int n = offsets.length - 1;
        long target = Math.max(SEGMENT_BYTES, offsets[n] * elementSize / MAX_SEGMENTS);
        List<Integer> starts = new ArrayList<>();
        long end = offsets[n];
        for (int i = n - 1; i > 0; i--) {
            if ((end - offsets[i]) * elementSize >= target && offsets[i] * elementSize >= target) {
                starts.add(0, i);
                end = offsets[i];
            }
        }
        starts.add(0, 0);
        int[] out = new int[starts.size() + 1];
        for (int k = 0; k < starts.size(); k++) {
            out[k] = starts.get(k);
        }
        out[starts.size()] = n;
        return out;
    }

    private static Tensor flatten(List<Tensor> tensors) {
        TensorVector parts = new TensorVector();
        for (Tensor t : tensors) {
            parts.push_back(t.detach().reshape(-1));
        }
        return torch.cat(parts, 0);
    }

    private static void unflatten(Tensor flat, List<Tensor> targets) {
        long offset = 0;
        for (Tensor t : targets) {
            long n = t.numel();
            t.detach().copy_(flat.narrow(0, offset, n).view_as(t));
            offset += n;
        }
    }

    @Override
    public void close() {
        // nothing to release early: the store and the process group live as long as the worker process
    }
}

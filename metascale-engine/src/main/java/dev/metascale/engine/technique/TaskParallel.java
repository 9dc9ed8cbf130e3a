package dev.metascale.engine.technique;

import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Task parallelism over the meta-batch: the meta-gradient ∇θ (1/B) Σ_i L_i is a sum of independent
 * per-task terms, so W threads compute them at the same time, each with T / W of the process's T
 * intra-op threads, instead of every operator being split over T threads. Meta-learning's operators
 * are small (a 5-way 1-shot support set is 5 examples), so splitting each one over threads gains
 * little; whole tasks side by side keep every core busy.
 *
 * <p>Worker {@code w} takes tasks w, w + W, w + 2W, … in order and adds each task's gradient
 * ∇θ (L_i / B) into its own buffer; the buffers are then summed in worker order and accumulated into
 * the parameters' {@code .grad} (as {@code backward} would, so a data-parallel bucket still receives
 * them). The sum's order is fixed by W, not by thread timing: a trial is reproducible, and equals the
 * sequential meta-gradient up to floating-point reassociation. Memory: up to W tasks' graphs are alive
 * together, plus W gradient buffers.
 *
 * <p>libtorch keeps grad mode, autocast and the profiler per thread: the workers run in fp32 with
 * gradients on (validation rejects other precisions), and an operator profile records the main
 * thread only, so it does not contain the tasks' operators.
 */
public final class TaskParallel {
    private static final Object LOCK = new Object();
    private static ExecutorService pool;
    private static int poolWorkers;
    private static int poolThreadsPerWorker;

    private TaskParallel() {
    }

    /** Intra-op threads each of {@code workers} task threads uses, out of the process's {@link TorchRuntime#threads}. */
    public static int threadsPerWorker(int workers) {
        return Math.max(1, Math.max(1, TorchRuntime.threads()) / workers);
    }

    /**
     * Accumulates ∇θ (1/B) Σ loss(task) into the {@code .grad} of {@code params} with {@code workers}
     * tasks at a time; returns the mean loss.
     */
    public static <T> double backward(List<T> tasks, int workers, ParamSet params, Function<T, Tensor> loss) {
        if (workers < 2) {
            throw new IllegalArgumentException("task parallelism needs at least 2 workers, got " + workers);
        }
        int w = Math.min(workers, tasks.size());
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor p : params.tensors()) {
            if (p.requires_grad()) {
                leaves.add(p);
            }
        }
        TensorVector inputs = new TensorVector(leaves.toArray(new Tensor[0]));
        List<List<Tensor>> buffers = new ArrayList<>(w);
        for (int k = 0; k < w; k++) {
            List<Tensor> buffer = new ArrayList<>(leaves.size());
            for (Tensor p : leaves) {
                buffer.add(torch.zeros_like(p));
            }
            buffers.add(buffer);
        }
        double scale = 1.0 / tasks.size();
        ExecutorService executor = executor(workers);
        // The calling thread waits while the tasks run; at more than its share of intra-op threads, the OpenMP team
        // of its own operators (the sum below, the optimiser step) would spin-wait on the task threads' cores after
        // every parallel region (libgomp's default), so it computes at the task threads' share too. TorchRuntime
        // restores the process's count for evaluation (TorchRuntime.configure).
        int share = threadsPerWorker(workers);
        if (torch.get_num_threads() != share) {
            torch.set_num_threads(share);
        }
        List<Future<Double>> results = new ArrayList<>(w);
        for (int k = 0; k < w; k++) {
            int worker = k;
            results.add(executor.submit(() -> {
                double sum = 0;
                for (int i = worker; i < tasks.size(); i += w) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor l = loss.apply(tasks.get(i)).mul(new Scalar(scale));
                        TensorVector g = torch.grad(new TensorVector(l), inputs, new TensorVector(),
                                new BoolOptional(false), false, true);
                        List<Tensor> buffer = buffers.get(worker);
                        for (int j = 0; j < leaves.size(); j++) {
                            Tensor gj = g.get(j);
                            if (gj.defined()) {
                                buffer.get(j).add_(gj);
                            }
                        }
                        sum += l.item_double();
                    }
                }
                return sum;
            }));
        }
        double total = 0;
        for (Future<Double> result : results) {
            total += await(result);
        }
        List<Tensor> sums = new ArrayList<>(leaves.size());
        for (int j = 0; j < leaves.size(); j++) {
            Tensor s = buffers.get(0).get(j);
            for (int k = 1; k < w; k++) {
                s.add_(buffers.get(k).get(j));
            }
            sums.add(s);
        }
        torch.backward(inputs, new TensorVector(sums.toArray(new Tensor[0])), new BoolOptional(false), false,
                new TensorVector());
        return total;
    }

    private static double await(Future<Double> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the task threads computed the meta-gradient", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a task thread failed: " + cause, cause);
        }
    }

    /** The process's task threads (daemon, reused across meta-steps), re-created when the worker or thread count changes. */
    private static ExecutorService executor(int workers) {
        int perWorker = threadsPerWorker(workers);
        synchronized (LOCK) {
            if (pool == null || poolWorkers != workers || poolThreadsPerWorker != perWorker) {
                if (pool != null) {
                    pool.shutdown();
                }
                AtomicInteger n = new AtomicInteger();
                pool = Executors.newFixedThreadPool(workers, runnable -> {
                    Thread t = new Thread(() -> {
                        // libtorch's intra-op thread count is per thread (OpenMP's nthreads ICV): set it on each task thread
                        torch.set_num_threads(perWorker);
                        runnable.run();
                    }, "metascale-task-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
                poolWorkers = workers;
                poolThreadsPerWorker = perWorker;
            }
            return pool;
        }
    }
}

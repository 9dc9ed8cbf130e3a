package dev.metascale.engine.learn;

import dev.metascale.engine.data.EpisodeIndex;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The meta-iterations' episodes built one step ahead on a background thread, as a PyTorch {@code DataLoader} with one
 * worker and a prefetch factor of 1: while step {@code it} computes, step {@code it + 1}'s tensors are copied from the
 * data set. The training loop asks for the steps in order ({@link #take}); what it waited (the loading it could not
 * hide) and what the loading cost on the prefetch thread are kept apart ({@link #waitSeconds}, {@link #loadSeconds}),
 * so the timed iteration holds the computation only.
 *
 * <p>Only where a core is spare: on a 2-core machine whose two intra-op threads are the trial's, a loading thread
 * beside them slowed every computed iteration by about what the loading took (MLP MAML, 3 runs each, AMD EPYC 2 vCPUs:
 * median 54–56 ms with the thread, 44–46 ms without; the loading itself 8–12 ms under that contention). Without a spare
 * core the steps are built on the taking thread, outside the timed iteration (a DataLoader with {@code num_workers=0}),
 * and all of their time is the wait.
 *
 * <p>Native memory: each step's tensors are built inside the prefetch thread's own {@link PointerScope} (which frees
 * the copies' intermediates), kept alive by one reference, and handed to the scope open on the taking thread, which
 * frees them at the end of the iteration. A step loaded but never taken (training stopped at its target) is freed
 * by {@link #close}.
 */
public final class EpisodePrefetcher implements AutoCloseable {
    private final EpisodeLoader loader;
    private final List<EpisodeIndex> episodes;
    private final int perStep;
    private final int steps;
    private final ExecutorService thread; // null: built inline by take()
    private Future<Loaded> pending;
    private int pendingStep = -1;
    private long waitNanos;
    private long loadNanos;
    private int taken;

    private record Loaded(List<Episode> tasks, long nanos) {
    }

    /**
     * @param episodes the run's training episodes, step after step ({@code perStep} each)
     * @param steps    how many steps there are (the first {@code steps × perStep} episodes)
     */
    public EpisodePrefetcher(EpisodeLoader loader, List<EpisodeIndex> episodes, int perStep, int steps) {
        this(loader, episodes, perStep, steps, true);
    }

    /**
     * Whether a loading thread would have a core to itself beside {@code computeThreads} intra-op threads (the JVM's
     * available processors: the container's share).
     */
    public static boolean spareCore(int computeThreads) {
        return computeThreads < Runtime.getRuntime().availableProcessors();
    }

    /**
     * @param background build each next step on a background thread ({@code false}: on the taking thread, see the class
     *                   comment)
     */
    public EpisodePrefetcher(EpisodeLoader loader, List<EpisodeIndex> episodes, int perStep, int steps, boolean background) {
        if (perStep < 1 || steps < 0 || (long) perStep * steps > episodes.size()) {
            throw new IllegalArgumentException("cannot prefetch " + steps + " steps of " + perStep + " episodes from "
                    + episodes.size() + " episodes");
        }
        this.loader = loader;
        this.episodes = episodes;
        this.perStep = perStep;
        this.steps = steps;
        this.thread = !background ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "episode-prefetch");
            t.setDaemon(true);
            return t;
        });
        if (background) {
            submit(0);
        } else {
            pendingStep = 0;
        }
    }

    /** For the record ({@code data_prefetch}): how the steps were built. */
    public String describe() {
        return thread != null ? "background thread, one step ahead"
                : "inline before each step, outside the timed iteration (no core spare beside the intra-op threads)";
    }

    /**
     * The episodes of step {@code step} (steps are taken in order, each once), attached to the calling thread's
     * innermost {@link PointerScope}; starts loading the next step.
     */
    public List<Episode> take(int step) {
        if (step != pendingStep) {
            throw new IllegalStateException("steps are taken in order: asked for " + step + ", the next is " + pendingStep);
        }
        long start = System.nanoTime();
        if (thread == null) {
            List<Episode> tasks = new ArrayList<>(perStep);
            for (int t = 0; t < perStep; t++) {
                tasks.add(loader.load(episodes.get(step * perStep + t)));
            }
            long nanos = System.nanoTime() - start;
            waitNanos += nanos;
            loadNanos += nanos;
            taken++;
            pendingStep = step + 1 < steps ? step + 1 : -1;
            return tasks;
        }
        Loaded loaded;
        try {
            loaded = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the episodes of step " + step, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        waitNanos += System.nanoTime() - start;
        loadNanos += loaded.nanos();
        taken++;
        PointerScope scope = PointerScope.getInnerScope();
        for (Episode e : loaded.tasks()) {
            for (Tensor t : tensors(e)) {
                if (scope != null) {
                    scope.attach(t);
                    t.releaseReference(); // the prefetch thread's hold: the caller's scope owns it now
                } // else the garbage collector frees it, as any tensor made outside a scope
            }
        }
        if (step + 1 < steps) {
            submit(step + 1);
        } else {
            pending = null;
            pendingStep = -1;
        }
        return loaded.tasks();
    }

    /** Seconds the taking thread waited for its episodes, summed over the steps taken. */
    public double waitSeconds() {
        return waitNanos / 1e9;
    }

    /** Seconds the prefetch thread spent building the steps taken. */
    public double loadSeconds() {
        return loadNanos / 1e9;
    }

    /** Steps taken so far. */
    public int taken() {
        return taken;
    }

    private void submit(int step) {
        pendingStep = step;
        pending = thread.submit(() -> {
            long start = System.nanoTime();
            List<Episode> tasks = new ArrayList<>(perStep);
            try (PointerScope scope = new PointerScope()) {
                for (int t = 0; t < perStep; t++) {
                    Episode e = loader.load(episodes.get(step * perStep + t));
                    for (Tensor x : tensors(e)) {
                        x.retainReference(); // outlives this scope: released by take() or close()
                    }
                    tasks.add(e);
                }
            }
            return new Loaded(tasks, System.nanoTime() - start);
        });
    }

    private static List<Tensor> tensors(Episode e) {
        return List.of(e.supportX(), e.supportY(), e.queryX(), e.queryY());
    }

    /** Stops the thread; a step loaded and not taken is freed. */
    @Override
    public void close() {
        Future<Loaded> left = pending;
        pending = null;
        pendingStep = -1;
        if (left != null) {
            try {
                for (Episode e : left.get().tasks()) {
                    tensors(e).forEach(Tensor::releaseReference);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // the failed load holds nothing
            }
        }
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}

package dev.metascale.engine.technique;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Task chunking (gradient accumulation over the meta-batch). The meta-objective is the mean task
 * loss L = (1/B) Σ_i L_i; since ∇L = Σ_c ∇((1/B) Σ_{i ∈ c} L_i) for any partition of the batch into
 * chunks c, back-propagating chunk by chunk into the accumulated {@code .grad} gives the same
 * meta-gradient while only one chunk's graphs are alive: memory grows with the chunk, not the batch.
 */
public final class TaskChunks {
    private TaskChunks() {
    }

    /**
     * Back-propagates (1/B) Σ loss(task) chunk by chunk: {@code chunk} tasks' losses are summed and
     * back-propagated together ({@code chunk} = 0 means one task at a time); returns the mean loss.
     */
    public static <T> double backward(List<T> tasks, int chunk, Function<T, Tensor> loss) {
        return backward(tasks, chunk, loss, Tensor::backward);
    }

    /**
     * As {@link #backward(List, int, Function)}, with the last chunk back-propagated by {@code lastBackward}: after
     * it every gradient is final, which a data-parallel step uses to start all-reducing while it runs.
     */
    public static <T> double backward(List<T> tasks, int chunk, Function<T, Tensor> loss, Consumer<Tensor> lastBackward) {
        int size = chunk <= 0 ? 1 : chunk;
        Scalar scale = new Scalar(1.0 / tasks.size());
        double total = 0;
        for (int from = 0; from < tasks.size(); from += size) {
            // The chunk's activations are released when its scope closes: without it every Java handle of every task's
            // forward stayed alive until the iteration's scope ended, so memory grew with the meta-batch, not the chunk.
            try (PointerScope chunkScope = new PointerScope()) {
                Tensor sum = null;
                for (T task : tasks.subList(from, Math.min(tasks.size(), from + size))) {
                    Tensor l = loss.apply(task).mul(scale);
                    sum = sum == null ? l : sum.add(l);
                }
                double value = sum.item_double();
                if (from + size >= tasks.size()) {
                    lastBackward.accept(sum);
                } else {
                    sum.backward();
                }
                total += value;
            }
        }
        return total;
    }
}

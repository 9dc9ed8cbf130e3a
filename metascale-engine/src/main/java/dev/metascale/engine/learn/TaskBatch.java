package dev.metascale.engine.learn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.function.Function;

/**
 * The meta-batch as tensors with a leading task dimension ({@code techniques.vectorize_tasks}): what MAML's and
 * ProtoNet's batched meta-gradients share. Every task must have the same support and query sizes (a fixed sampler:
 * validation refuses the others).
 */
final class TaskBatch {
    private TaskBatch() {
    }

    /** {@code part} of every task stacked: [B, …]. */
    static Tensor stack(List<Episode> tasks, Function<Episode, Tensor> part) {
        TensorVector parts = new TensorVector();
        tasks.forEach(t -> parts.push_back(part.apply(t)));
        return torch.stack(parts);
    }

    /** Every tensor of {@code p} expanded to {@code tasks} per-task copies, [B, …]: a view, whose backward sums the tasks' gradients. */
    static dev.metascale.engine.torch.ParamSet perTask(dev.metascale.engine.torch.ParamSet p, long tasks) {
        return p.map((name, t) -> {
            long[] shape = t.sizes().vec().get();
            long[] expanded = new long[shape.length + 1];
            expanded[0] = tasks;
            System.arraycopy(shape, 0, expanded, 1, shape.length);
            return t.unsqueeze(0).expand(expanded);
        });
    }

    /**
     * Mean cross-entropy over every task's examples, logits [B, n, ways] and labels [B, n]: with n the same for every
     * task, (1/B) Σ_T of the tasks' mean losses.
     */
    static Tensor meanCrossEntropy(Tensor logits, Tensor labels) {
        return Losses.crossEntropy(logits.reshape(-1, logits.size(2)), labels.reshape(-1));
    }

    /** One batched computation of some tasks, its loss scaled by their {@code share} of the meta-batch; returns that loss. */
    @FunctionalInterface
    interface Group {
        double backward(List<Episode> tasks, double share);
    }

    /**
     * The meta-batch in groups of {@code chunk} tasks (0: all at once), back-propagated one after another, each graph
     * freed before the next is built (its own {@code PointerScope}) and each group's mean scaled by its share G/B of the
     * meta-batch; returns the meta-batch's mean loss.
     */
    static double inGroups(List<Episode> tasks, int chunk, Group group) {
        int size = chunk > 0 ? Math.min(chunk, tasks.size()) : tasks.size();
        if (size == tasks.size()) {
            return group.backward(tasks, 1.0);
        }
        double total = 0;
        for (int from = 0; from < tasks.size(); from += size) {
            List<Episode> part = tasks.subList(from, Math.min(tasks.size(), from + size));
            try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
                total += group.backward(part, (double) part.size() / tasks.size());
            }
        }
        return total;
    }

    /** What the record says of a vectorized learner's chunking ({@code chunk: G} = G tasks per batched computation). */
    static String chunking(int chunk) {
        return chunk > 0 ? chunk + " tasks per batched computation (vectorize_tasks with chunk)"
                : "the meta-batch's tasks as one batched computation (vectorize_tasks)";
    }
}

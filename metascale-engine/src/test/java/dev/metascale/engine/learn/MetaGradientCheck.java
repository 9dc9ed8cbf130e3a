package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** MAML's meta-gradient against central finite differences of its meta-loss, shared by the gradient tests. */
final class MetaGradientCheck {
    private MetaGradientCheck() {
    }

    /** The accumulated {@code .grad} of every parameter, flattened in order. */
    static double[] grads(ParamSet p) {
        List<Double> out = new ArrayList<>();
        for (Tensor t : p.tensors()) {
            for (double v : ArrayTensors.toDoubles(t.grad())) {
                out.add(v);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    /**
     * (L(θ + h·e_i) − L(θ − h·e_i)) / 2h for every parameter entry, L = (1/B) Σ_t the task's meta-loss: each entry
     * is perturbed in place and restored.
     */
    static double[] finiteDifferences(Maml maml, List<Episode> tasks, double h) {
        List<Double> numeric = new ArrayList<>();
        for (Tensor p : maml.parameters().tensors()) {
            Tensor flat = p.detach().view(-1); // shares storage with the parameter
            for (long i = 0; i < flat.numel(); i++) {
                double original = flat.get(i).item_double();
                set(flat, i, original + h);
                double plus = metaLoss(maml, tasks);
                set(flat, i, original - h);
                double minus = metaLoss(maml, tasks);
                set(flat, i, original);
                numeric.add((plus - minus) / (2 * h));
            }
        }
        return numeric.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void set(Tensor flat, long i, double value) {
        try (NoGradGuard guard = new NoGradGuard()) {
            flat.get(i).fill_(new Scalar(value));
        }
    }

    private static double metaLoss(Maml maml, List<Episode> tasks) {
        double total = 0;
        for (Episode t : tasks) {
            total += maml.taskMetaLoss(t).item_double() / tasks.size();
        }
        return total;
    }
}

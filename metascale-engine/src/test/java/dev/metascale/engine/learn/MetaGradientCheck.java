package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/** MAML's meta-gradient against central finite differences of its meta-loss, shared by the gradient tests. */
final class MetaGradientCheck {
    private MetaGradientCheck() {
    }

    /**
     * (L(θ + h·e_i) − L(θ − h·e_i)) / 2h for every parameter entry, L = (1/B) Σ_t the task's meta-loss: each entry
     * is perturbed in place and restored.
     */
    static double[] finiteDifferences(Maml maml, List<Episode> tasks, double h) {
        return finiteDifferences(maml.parameters(), () -> meanMetaLoss(maml::taskMetaLoss, tasks), h);
    }

    /** (L(θ + h·e_i) − L(θ − h·e_i)) / 2h for every entry of {@code params}, each perturbed in place and restored. */
    static double[] finiteDifferences(ParamSet params, DoubleSupplier loss, double h) {
        List<Double> numeric = new ArrayList<>();
        for (Tensor p : params.tensors()) {
            Tensor flat = p.detach().view(-1); // shares storage with the parameter
            for (long i = 0; i < flat.numel(); i++) {
                double original = flat.get(i).item_double();
                set(flat, i, original + h);
                double plus = loss.getAsDouble();
                set(flat, i, original - h);
                double minus = loss.getAsDouble();
                set(flat, i, original);
                numeric.add((plus - minus) / (2 * h));
            }
        }
        return numeric.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** (1/B) Σ_t taskMetaLoss(t). */
    static double meanMetaLoss(Function<Episode, Tensor> taskMetaLoss, List<Episode> tasks) {
        double total = 0;
        for (Episode t : tasks) {
            total += taskMetaLoss.apply(t).item_double() / tasks.size();
        }
        return total;
    }

    private static void set(Tensor flat, long i, double value) {
        try (NoGradGuard guard = new NoGradGuard()) {
            flat.get(i).fill_(new Scalar(value));
        }
    }
}

package dev.metascale.engine.torch;

import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.function.Function;

/** A parameter set's values or gradients as one flat array, and the relative error the gradient tests compare with. */
public final class ParamVectors {
    private ParamVectors() {
    }

    /** Every parameter's values, flattened in order. */
    public static double[] values(ParamSet p) {
        return flatten(p, Tensor::detach);
    }

    /** The accumulated {@code .grad} of every parameter, flattened in order. */
    public static double[] grads(ParamSet p) {
        return flatten(p, Tensor::grad);
    }

    private static double[] flatten(ParamSet p, Function<Tensor, Tensor> part) {
        return p.tensors().stream().flatMapToDouble(t -> Arrays.stream(ArrayTensors.toDoubles(part.apply(t)))).toArray();
    }

    /** ‖a − b‖ / ‖b‖; arrays of different lengths are an assertion failure. */
    public static double relativeError(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError(a.length + " entries vs " + b.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }
}

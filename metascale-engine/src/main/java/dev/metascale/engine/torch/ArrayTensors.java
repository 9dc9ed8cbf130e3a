package dev.metascale.engine.torch;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Copies between Java arrays and tensors: the one bridge between the JVM heap and libtorch. New tensors go to the
 * device of the trial ({@link TrialDevice}); reading one back copies it to the host.
 */
public final class ArrayTensors {
    private ArrayTensors() {
    }

    /** A new float32 tensor of the given shape holding a copy of {@code values}. */
    public static Tensor floats(float[] values, long... shape) {
        checkSize(values.length, shape);
        try (FloatPointer pointer = new FloatPointer(values)) {
            return TrialDevice.place(torch.from_blob(pointer, shape).clone());
        }
    }

    /** A new int64 tensor of the given shape holding a copy of {@code values}. */
    public static Tensor longs(long[] values, long... shape) {
        checkSize(values.length, shape);
        try (LongPointer pointer = new LongPointer(values)) {
            Tensor view = torch.from_blob(pointer, shape, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
            return TrialDevice.place(view.clone());
        }
    }

    /** The values of a tensor of any floating dtype, as doubles, in row-major order. */
    public static double[] toDoubles(Tensor tensor) {
        Tensor t = tensor.detach().cpu().to(torch.ScalarType.Double).contiguous();
        double[] out = new double[(int) t.numel()];
        new DoublePointer(t.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    /** The values of an integer tensor as longs, in row-major order. */
    public static long[] toLongs(Tensor tensor) {
        Tensor t = tensor.detach().cpu().to(torch.ScalarType.Long).contiguous();
        long[] out = new long[(int) t.numel()];
        new LongPointer(t.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    private static void checkSize(int length, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("shape holds " + n + " values but " + length + " were given");
        }
    }
}

package dev.metascale.engine.model.bert;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One ONNX {@code TensorProto} initializer: its name, shape, ONNX element type and its values as
 * little-endian bytes (ONNX's {@code raw_data} layout; typed fields such as {@code float_data} are
 * converted to it on reading).
 */
public record OnnxTensor(String name, long[] dims, int dataType, byte[] rawLittleEndian) {
    /** ONNX {@code TensorProto.DataType.FLOAT}. */
    public static final int FLOAT = 1;
    /** ONNX {@code TensorProto.DataType.INT64}. */
    public static final int INT64 = 7;

    /** Number of elements: the product of the dims (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The values of a FLOAT tensor in row-major order. */
    public float[] floats() {
        if (dataType != FLOAT) {
            throw new IllegalStateException("initializer '" + name + "' has ONNX data type " + dataType
                    + ", not FLOAT (1); read it with the accessor of its type");
        }
        float[] out = new float[checkedLength(4)];
        ByteBuffer.wrap(rawLittleEndian).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** The values of an INT64 tensor in row-major order. */
    public long[] longs() {
        if (dataType != INT64) {
            throw new IllegalStateException("initializer '" + name + "' has ONNX data type " + dataType
                    + ", not INT64 (7)");
        }
        long[] out = new long[checkedLength(8)];
        ByteBuffer.wrap(rawLittleEndian).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    private int checkedLength(int bytesPerValue) {
        long n = numel();
        if (n * bytesPerValue != rawLittleEndian.length) {
            throw new IllegalStateException("initializer '" + name + "' of shape " + Arrays.toString(dims)
                    + " holds " + rawLittleEndian.length + " bytes, expected " + n * bytesPerValue
                    + "; the file is truncated or stores its data externally (not supported)");
        }
        return (int) n;
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + " " + Arrays.toString(dims) + " type " + dataType + "]";
    }
}

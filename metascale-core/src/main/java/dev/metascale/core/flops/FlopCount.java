package dev.metascale.core.flops;

/**
 * A FLOP count split into the matrix-product family (matmul, convolution: what the profiler counts and
 * what dominates) and the element-wise rest (bias, normalisation, activation, pooling, softmax).
 */
public record FlopCount(long matmul, long other) {
    public static final FlopCount ZERO = new FlopCount(0, 0);

    public FlopCount {
        if (matmul < 0 || other < 0) {
            throw new IllegalArgumentException("FLOP counts are non-negative, got matmul " + matmul + ", other " + other);
        }
    }

    public static FlopCount other(long flops) {
        return new FlopCount(0, flops);
    }

    public long total() {
        return matmul + other;
    }

    public FlopCount plus(FlopCount o) {
        return new FlopCount(matmul + o.matmul, other + o.other);
    }

    public FlopCount times(long k) {
        return new FlopCount(matmul * k, other * k);
    }

    /** The mean over {@code n} of what this sums (integer division: less than one FLOP lost per part). */
    public FlopCount dividedBy(long n) {
        return new FlopCount(matmul / n, other / n);
    }
}

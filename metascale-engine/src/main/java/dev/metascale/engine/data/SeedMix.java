package dev.metascale.engine.data;

/** Derives independent, well-mixed random seeds from tuples of longs (SplitMix64 finaliser). */
final class SeedMix {
    private SeedMix() {
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed that depends on every part and on their order. */
    static long of(long... parts) {
        long h = 0x6A09E667F3BCC909L;
        for (long p : parts) {
            h = mix64(h + 0x9E3779B97F4A7C15L + mix64(p));
        }
        return h;
    }
}

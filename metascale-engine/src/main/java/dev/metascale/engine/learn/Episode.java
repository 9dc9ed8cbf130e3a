package dev.metascale.engine.learn;

import org.bytedeco.pytorch.Tensor;

/**
 * One few-shot task as tensors: support and query images [n, 1, h, w] with episode labels
 * 0..ways-1 (int64), and for each episode label the class's index in its split (fine-tuning
 * baselines train on these split-wide labels).
 */
public record Episode(Tensor supportX, Tensor supportY, Tensor queryX, Tensor queryY, int ways, long[] classIds) {

    public long supportSize() {
        return supportX.size(0);
    }

    public long querySize() {
        return queryX.size(0);
    }

    /** Support plus query examples: what throughput in samples counts. */
    public long samples() {
        return supportSize() + querySize();
    }
}

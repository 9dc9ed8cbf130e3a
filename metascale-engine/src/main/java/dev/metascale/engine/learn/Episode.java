package dev.metascale.engine.learn;

import org.bytedeco.pytorch.Tensor;

/**
 * One few-shot task as tensors: support and query inputs (images [n, 1, h, w], or int64 token ids
 * [n, L]) with episode labels 0..ways-1 (int64), and for each episode label the class's index in its
 * split (fine-tuning baselines train on these split-wide labels). For a language-model task
 * ({@link dev.metascale.core.component.Modality#CHARACTER_WINDOWS}) the inputs are character ids [n, T]
 * and the "labels" are the next-character targets [n * T].
 */
public record Episode(Tensor supportX, Tensor supportY, Tensor queryX, Tensor queryY, int ways, long[] classIds) {

    public long supportSize() {
        return supportX.size(0);
    }

    public long querySize() {
        return queryX.size(0);
    }

    /**
     * True for a language-model task: the "labels" are one next-character target per input position
     * ([n·T] for inputs [n, T], T ≥ 2), not one class label per example.
     */
    public boolean nextCharacterTargets() {
        return supportY.size(0) != supportX.size(0);
    }

    /** Support plus query examples: what throughput in samples counts. */
    public long samples() {
        return supportSize() + querySize();
    }
}

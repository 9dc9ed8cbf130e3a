package dev.metascale.core.result;

/** The raw sample series of a trial record's {@code samples} (documented in {@code docs/results-schema.md}). */
public enum SampleSeries {
    /** Every timed meta-iteration, seconds. */
    ITER_TIME_S("iter_time_s"),
    /** The meta-training loss of every iteration. */
    TRAIN_LOSS("train_loss"),
    /** Query accuracy per test episode, in episode order. */
    EPISODE_ACCURACY("episode_accuracy"),
    /** The group (domain) of each test episode's classes, in episode order, when the sampler draws within groups. */
    EPISODE_GROUP("episode_group"),
    /** Perplexity per test episode of a language-model trial. */
    EPISODE_PERPLEXITY("episode_perplexity"),
    /** The validation learning curve: {@code [{iteration, mean, ci95, n}]}, accuracy or perplexity (train.val_every). */
    VAL_CURVE("val_curve");

    private final String key;

    SampleSeries(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }
}

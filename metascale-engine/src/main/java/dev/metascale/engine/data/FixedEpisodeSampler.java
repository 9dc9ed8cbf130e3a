package dev.metascale.engine.data;

/** PLACEHOLDER (replaced by the data branch). */
public final class FixedEpisodeSampler implements EpisodeSampler {
    public FixedEpisodeSampler(FewShotDataset ds, Split split, int ways, int shots, int query) {
    }

    @Override
    public EpisodeIndex episode(long seed, long index) {
        throw new UnsupportedOperationException("placeholder");
    }
}

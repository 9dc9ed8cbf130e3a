package dev.metascale.engine.data;

import dev.metascale.core.spec.SamplerSpec;

/** Builds the episode sampler a {@link SamplerSpec} names, over one split of a data set. */
public final class Samplers {
    private Samplers() {
    }

    public static EpisodeSampler create(SamplerSpec spec, FewShotDataset dataset, Split split) {
        return switch (spec.kind()) {
            case "fixed" -> new FixedEpisodeSampler(dataset, split, spec.ways(), spec.shots(), spec.query());
            default -> throw new IllegalArgumentException("sampler '" + spec.kind()
                    + "' is not available in this version; available: fixed (see `metascale list`)");
        };
    }
}

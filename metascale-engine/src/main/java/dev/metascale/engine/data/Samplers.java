package dev.metascale.engine.data;

import dev.metascale.core.spec.SamplerSpec;

import java.util.List;

/** Builds the episode sampler a {@link SamplerSpec} names, over one split of a data set. */
public final class Samplers {
    /** The sampler kinds {@link #create} accepts. */
    public static final List<String> KINDS = List.of("fixed", "meta-dataset", "imbalanced");

    private Samplers() {
    }

    /**
     * {@code fixed}: {@link FixedEpisodeSampler} (ways, shots, query); {@code meta-dataset}:
     * {@link MetaDatasetSampler} (ways, shots and query are drawn; the spec's are ignored);
     * {@code imbalanced}: {@link ImbalancedEpisodeSampler} (ways, min_shots, max_shots, query). With
     * {@code skip_small_classes} a class too small for the episodes is left out instead of failing
     * ({@link EligibleClasses}).
     *
     * With {@code within_group} each episode's classes come from one group ({@link WithinGroupSampler}).
     *
     * @throws IllegalArgumentException for an unknown kind or counts the data set cannot serve
     */
    public static EpisodeSampler create(SamplerSpec spec, FewShotDataset dataset, Split split) {
        if (spec.withinGroup()) {
            return new WithinGroupSampler(spec, dataset, split);
        }
        return switch (spec.kind()) {
            case "fixed" -> new FixedEpisodeSampler(dataset, split, spec.ways(), spec.shots(), spec.query(),
                    spec.skipSmallClasses());
            case "meta-dataset" -> new MetaDatasetSampler(dataset, split, spec.skipSmallClasses());
            case "imbalanced" -> new ImbalancedEpisodeSampler(dataset, split, spec.ways(), spec.minShots(),
                    spec.maxShots(), spec.query(), spec.skipSmallClasses());
            default -> throw new IllegalArgumentException("unknown sampler '" + spec.kind() + "'; available: "
                    + String.join(", ", KINDS) + " (see `metascale list`)");
        };
    }
}

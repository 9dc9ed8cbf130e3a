package dev.metascale.engine.data;

import dev.metascale.core.spec.SamplerSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Episodes whose classes all come from one group of the split ({@code sampler.within_group: true}): a domain of a
 * cross-domain data set, as FLEX and Meta-Dataset draw each episode from one source. Episode {@code i} comes from
 * group {@code i mod G} (the G usable groups in name order), drawn by that group's own sampler of the spec's kind at
 * index {@code i / G} with the seed mixed with the group's position: a fixed test pool gives every group the same
 * number of episodes. A group with too few classes (or examples) for the spec's episodes is left out and named in
 * {@link #skipped()}. Thread-safe.
 */
public final class WithinGroupSampler implements EpisodeSampler {
    private final List<String> groups = new ArrayList<>();
    private final List<EpisodeSampler> samplers = new ArrayList<>();
    private final List<int[]> classOf = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    /** @throws IllegalArgumentException when no group of the split can serve the episodes (the message says why for each) */
    public WithinGroupSampler(SamplerSpec spec, FewShotDataset dataset, Split split) {
        Map<String, List<Integer>> members = new TreeMap<>();
        List<String> names = dataset.groupNames(split);
        for (int c = 0; c < names.size(); c++) {
            members.computeIfAbsent(names.get(c), k -> new ArrayList<>()).add(c);
        }
        SamplerSpec inner = spec.acrossGroups();
        members.forEach((group, classes) -> {
            int[] map = classes.stream().mapToInt(Integer::intValue).toArray();
            try {
                samplers.add(Samplers.create(inner, new GroupView(dataset, split, map), split));
                groups.add(group);
                classOf.add(map);
            } catch (IllegalArgumentException e) {
                skipped.add(group + ": " + e.getMessage());
            }
        });
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("sampler.within_group: no group of the " + split.name().toLowerCase(java.util.Locale.ROOT)
                + " split of " + dataset.name() + " can serve these episodes (" + String.join("; ", skipped)
                + "); lower sampler.ways/shots/query or drop within_group");
        }
    }

    /** The groups episodes are drawn from, in name order: episode i comes from {@code groups().get(i mod size)}. */
    public List<String> groups() {
        return List.copyOf(groups);
    }

    /** The groups left out, each with the reason its sampler gave. */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    @Override
    public EpisodeIndex episode(long seed, long index) {
        int g = (int) Math.floorMod(index, (long) groups.size());
        EpisodeIndex e = samplers.get(g).episode(SeedMix.of(seed, g, 0x4752L), Math.floorDiv(index, groups.size()));
        int[] map = classOf.get(g);
        return new EpisodeIndex(e.split(), e.classes().stream().map(c -> map[c]).toList(), e.support(), e.query());
    }

    /** The classes of one group of one split, renumbered 0..n-1; the other splits are empty. */
    private record GroupView(FewShotDataset data, Split split, int[] classes) implements FewShotDataset {
        @Override
        public String name() {
            return data.name();
        }

        @Override
        public String version() {
            return data.version();
        }

        @Override
        public String hash() {
            return data.hash();
        }

        @Override
        public int height() {
            return data.height();
        }

        @Override
        public int width() {
            return data.width();
        }

        @Override
        public List<String> classNames(Split s) {
            if (s != split) {
                return List.of();
            }
            List<String> all = data.classNames(s);
            return java.util.Arrays.stream(classes).mapToObj(all::get).toList();
        }

        @Override
        public List<String> groupNames(Split s) {
            if (s != split) {
                return List.of();
            }
            List<String> all = data.groupNames(s);
            return java.util.Arrays.stream(classes).mapToObj(all::get).toList();
        }

        @Override
        public int examplesPerClass(Split s, int classIndex) {
            return data.examplesPerClass(s, classes[classIndex]);
        }

        @Override
        public float[][] examples(Split s, int classIndex) {
            return data.examples(s, classes[classIndex]);
        }
    }
}

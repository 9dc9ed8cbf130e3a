package dev.metascale.engine.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Assigns whole groups of classes (e.g. the alphabets of Omniglot) to splits: groups are shuffled
 * with the seed, then each goes to the split furthest below its target share of the classes.
 */
final class GroupSplitter {
    private GroupSplitter() {
    }

    /**
     * @param classesPerGroup number of classes in each group (any order; sorted by name first)
     * @param fractions target share of the classes per split, e.g. 0.7 / 0.1 / 0.2
     */
    static Map<String, Split> assign(Map<String, Integer> classesPerGroup, long seed, Map<Split, Double> fractions) {
        List<String> groups = new ArrayList<>(new TreeMap<>(classesPerGroup).keySet());
        SplittableRandom rng = new SplittableRandom(SeedMix.of(seed, 0x5311L));
        for (int i = groups.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String tmp = groups.get(i);
            groups.set(i, groups.get(j));
            groups.set(j, tmp);
        }
        double total = classesPerGroup.values().stream().mapToInt(Integer::intValue).sum();
        Map<Split, Double> assigned = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            assigned.put(s, 0.0);
        }
        Map<String, Split> result = new LinkedHashMap<>();
        for (String group : groups) {
            Split best = null;
            double bestDeficit = Double.NEGATIVE_INFINITY;
            for (Split s : Split.values()) {
                double deficit = fractions.getOrDefault(s, 0.0) * total - assigned.get(s);
                if (deficit > bestDeficit) {
                    bestDeficit = deficit;
                    best = s;
                }
            }
            result.put(group, best);
            assigned.merge(best, (double) classesPerGroup.get(group), Double::sum);
        }
        return result;
    }
}

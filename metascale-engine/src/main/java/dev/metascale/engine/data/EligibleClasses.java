package dev.metascale.engine.data;

import dev.metascale.core.result.InvalidTrialException;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes of a split an episode sampler may draw from: every class with at least {@code needed}
 * examples. A smaller class either fails the sampler's construction, the message naming the class,
 * its count and what the episodes need, or, when the suite sets {@code sampler.skip_small_classes:
 * true}, is left out (and listed in {@link #skipped}).
 *
 * @param indices  class indices (in the split) that can be drawn, ascending
 * @param examples their example counts
 * @param skipped  names and counts of the classes left out, e.g. {@code cat (12 examples)}
 */
record EligibleClasses(int[] indices, int[] examples, List<String> skipped) {

    /**
     * @param need what the episodes need, for the messages, e.g. "5-shot episodes with 15 queries per class"
     * @param fix  what to change besides skipping, e.g. "lower sampler.shots or sampler.query"
     * @throws IllegalArgumentException for a small class when not skipping, or when fewer than
     *     {@code ways} classes remain
     */
    static EligibleClasses of(FewShotDataset dataset, Split split, int needed, int ways, boolean skip, String need, String fix) {
        List<String> names = dataset.classNames(split);
        List<Integer> indices = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            int n = dataset.examplesPerClass(split, c);
            if (n >= needed) {
                indices.add(c);
                counts.add(n);
            } else if (skip) {
                skipped.add(names.get(c) + " (" + n + " examples)");
            } else {
                throw new InvalidTrialException("class " + names.get(c) + " (index " + c + ") of split " + split
                    + " of " + dataset.name() + " has " + n + " examples; " + need + " need at least " + needed
                    + ": " + fix + ", or set sampler.skip_small_classes: true to leave such classes out");
            }
        }
        if (indices.size() < ways) {
            String why = skipped.isEmpty() ? "" : " after skipping " + skipped.size() + " class(es) with fewer than "
                + needed + " examples (" + String.join(", ", skipped.subList(0, Math.min(5, skipped.size())))
                + (skipped.size() > 5 ? ", ..." : "") + ")";
            throw new InvalidTrialException("split " + split + " of " + dataset.name() + " has " + indices.size()
                + " classes" + why + "; " + ways + "-way episodes need at least " + ways
                + (skipped.isEmpty() ? "" : ": lower sampler.ways or " + fix));
        }
        return new EligibleClasses(indices.stream().mapToInt(Integer::intValue).toArray(),
            counts.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(skipped));
    }
}

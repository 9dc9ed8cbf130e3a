package dev.metascale.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Ranks by mean accuracy with Meta-Dataset's tie rule (Triantafillou et al. 2020, "Meta-Dataset: A
 * Dataset of Datasets for Learning to Learn from Few Examples", ICLR, Section 4 and Table 1: methods
 * whose 95 % confidence intervals overlap that of the best are tied with it). Applied repeatedly:
 * the best remaining method gets rank r, every remaining method whose interval overlaps the best's
 * shares r, and the next rank is r plus the number of methods just ranked (competition ranking).
 * A method whose interval is unknown (one seed scored on one episode) cannot be ruled out as the best: it gets
 * rank 1, never a rank as if its mean were certain, and the others are ranked among themselves.
 */
public final class TieRanking {
    private TieRanking() {
    }

    /** An item to rank: its mean and 95 % half-width (empty when unknown). */
    public record Entry<T>(T item, double mean, OptionalDouble ci95) {
        boolean overlaps(Entry<?> other) {
            double h = ci95.getAsDouble();
            double o = other.ci95.getAsDouble();
            return mean - h <= other.mean + o && other.mean - o <= mean + h;
        }
    }

    /** Rank per item (1 = best or tied with it). */
    public static <T> Map<T, Integer> rank(List<Entry<T>> entries) {
        Map<T, Integer> ranks = new HashMap<>();
        List<Entry<T>> remaining = new ArrayList<>();
        for (Entry<T> e : entries) {
            if (e.ci95.isEmpty()) {
                ranks.put(e.item, 1);
            } else {
                remaining.add(e);
            }
        }
        remaining.sort(Comparator.comparingDouble((Entry<T> e) -> e.mean).reversed());
        int rank = 1;
        while (!remaining.isEmpty()) {
            Entry<T> best = remaining.get(0);
            List<Entry<T>> tied = remaining.stream().filter(e -> e == best || e.overlaps(best)).toList();
            for (Entry<T> e : tied) {
                ranks.put(e.item, rank);
            }
            rank += tied.size();
            remaining.removeAll(tied);
        }
        return ranks;
    }
}

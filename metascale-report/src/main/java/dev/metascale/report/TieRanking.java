package dev.metascale.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks by mean accuracy with Meta-Dataset's tie rule (Triantafillou et al. 2020, "Meta-Dataset: A
 * Dataset of Datasets for Learning to Learn from Few Examples", ICLR, Section 4 and Table 1: methods
 * whose 95 % confidence intervals overlap that of the best are tied with it). Applied repeatedly:
 * the best remaining method gets rank r, every remaining method whose interval overlaps the best's
 * shares r, and the next rank is r plus the number of methods just ranked (competition ranking).
 */
public final class TieRanking {
    private TieRanking() {
    }

    /** An item to rank: its mean and 95 % half-width (0 when unknown). */
    public record Entry<T>(T item, double mean, double ci95) {
        boolean overlaps(Entry<?> other) {
            return mean - ci95 <= other.mean + other.ci95 && other.mean - other.ci95 <= mean + ci95;
        }
    }

    /** Rank per item (1 = best or tied with it). */
    public static <T> Map<T, Integer> rank(List<Entry<T>> entries) {
        List<Entry<T>> remaining = new ArrayList<>(entries);
        remaining.sort(Comparator.comparingDouble((Entry<T> e) -> e.mean).reversed());
        Map<T, Integer> ranks = new HashMap<>();
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

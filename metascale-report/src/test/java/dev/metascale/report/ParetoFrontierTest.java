package dev.metascale.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParetoFrontierTest {

    private static ParetoPoint<String> p(String name, double cost, double score) {
        return new ParetoPoint<>(name, cost, score);
    }

    private static List<String> names(List<ParetoPoint<String>> points) {
        return points.stream().map(ParetoPoint::item).toList();
    }

    @Test
    void frontierKeepsTheUndominatedPointsCheapestFirst() {
        ParetoFrontier<String> f = ParetoFrontier.of(List.of(
                p("b", 2, 0.7), p("c", 3, 0.6), p("a", 1, 0.5), p("d", 0.5, 0.4), p("e", 4, 0.9)));
        assertEquals(List.of("d", "a", "b", "e"), names(f.frontier()));
        assertEquals(List.of("c"), names(f.dominated()));
        assertTrue(f.isOnFrontier("b"));
        assertFalse(f.isOnFrontier("c"));
    }

    @Test
    void equalCostLowerScoreIsDominated() {
        ParetoFrontier<String> f = ParetoFrontier.of(List.of(p("low", 1, 0.5), p("high", 1, 0.6)));
        assertEquals(List.of("high"), names(f.frontier()));
        assertEquals(List.of("low"), names(f.dominated()));
    }

    @Test
    void equalScoreHigherCostIsDominated() {
        ParetoFrontier<String> f = ParetoFrontier.of(List.of(p("dear", 2, 0.5), p("cheap", 1, 0.5)));
        assertEquals(List.of("cheap"), names(f.frontier()));
        assertEquals(List.of("dear"), names(f.dominated()));
    }

    @Test
    void identicalPointsDoNotDominateEachOther() {
        ParetoFrontier<String> f = ParetoFrontier.of(List.of(p("x", 1, 0.5), p("y", 1, 0.5), p("z", 2, 0.8)));
        assertEquals(List.of("x", "y", "z"), names(f.frontier()));
        assertTrue(f.dominated().isEmpty());
    }

    @Test
    void duplicatesOfADominatedPointAreAllDominated() {
        ParetoFrontier<String> f = ParetoFrontier.of(List.of(p("x", 2, 0.5), p("y", 2, 0.5), p("best", 1, 0.9)));
        assertEquals(List.of("best"), names(f.frontier()));
        assertEquals(2, f.dominated().size());
    }

    @Test
    void singlePointAndEmptyInput() {
        assertEquals(List.of("only"), names(ParetoFrontier.of(List.of(p("only", 3, 0.1))).frontier()));
        ParetoFrontier<String> empty = ParetoFrontier.of(List.<ParetoPoint<String>>of());
        assertTrue(empty.isEmpty());
        assertTrue(empty.dominated().isEmpty());
    }

    @Test
    void dominanceNeedsOneStrictImprovement() {
        assertTrue(p("a", 1, 0.5).dominates(p("b", 1, 0.4)));
        assertTrue(p("a", 1, 0.5).dominates(p("b", 2, 0.5)));
        assertFalse(p("a", 1, 0.5).dominates(p("b", 1, 0.5)));
        assertFalse(p("a", 1, 0.5).dominates(p("b", 0.5, 0.4)));
    }

    @Test
    void absentMeasurementsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p("nan", Double.NaN, 0.5));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }
}

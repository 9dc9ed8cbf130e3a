package dev.metascale.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-language sentences saying which configurations are on a frontier and why, e.g.
 * {@code protonet conv4 5w1s: least memory (212 MiB, 61.0 %)}.
 */
public final class FrontierSummary {
    private FrontierSummary() {
    }

    /** One sentence per frontier configuration, cheapest first; one explaining sentence when there is none. */
    public static List<String> sentences(CostMetric metric, ParetoFrontier<ConfigurationSummary> frontier) {
        java.util.Map<String, ParetoFrontier<ConfigurationSummary>> groups = frontier.byGroup(RunAnalysis::comparisonGroup);
        if (groups.size() > 1) {
            List<String> out = new ArrayList<>();
            groups.forEach((group, sub) -> sentencesOfOne(metric, sub).forEach(s -> out.add("[" + group + "] " + s)));
            return out;
        }
        return sentencesOfOne(metric, frontier);
    }

    private static List<String> sentencesOfOne(CostMetric metric, ParetoFrontier<ConfigurationSummary> frontier) {
        List<String> out = new ArrayList<>();
        List<ParetoPoint<ConfigurationSummary>> points = frontier.frontier();
        if (points.isEmpty()) {
            out.add("no configuration has both a score (accuracy or perplexity) and " + metric.metricName() + ", so there is no frontier");
            return out;
        }
        TaskScore score = points.get(0).item().scoreKind().orElse(TaskScore.ACCURACY);
        if (points.size() == 1) {
            ParetoPoint<ConfigurationSummary> p = points.get(0);
            String what = frontier.dominated().isEmpty()
                    ? "the only configuration measured"
                    : "best on both: no other configuration is " + score.better() + " or uses less " + metric.shortName();
            out.add(p.item().label() + ": " + what + " (" + scoreText(score, p) + " at " + DisplayFormat.cost(p.cost(), metric) + ")");
            return out;
        }
        for (int i = 0; i < points.size(); i++) {
            ParetoPoint<ConfigurationSummary> p = points.get(i);
            String at = " (" + scoreText(score, p) + " at " + DisplayFormat.cost(p.cost(), metric) + ")";
            String role;
            if (i == 0) {
                role = "least " + metric.shortName() + at;
            } else if (i == points.size() - 1) {
                role = score.best() + at;
            } else {
                role = "best " + score.noun() + " within " + DisplayFormat.cost(p.cost(), metric) + " (" + scoreText(score, p) + ")";
            }
            out.add(p.item().label() + ": " + role);
        }
        return out;
    }

    /** The point's measured score (the frontier holds it oriented: a perplexity negated). */
    private static String scoreText(TaskScore score, ParetoPoint<ConfigurationSummary> p) {
        return score.formatValue(score.oriented(p.score()));
    }
}

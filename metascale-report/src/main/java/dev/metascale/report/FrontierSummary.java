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
        java.util.Map<String, ParetoFrontier<ConfigurationSummary>> groups = frontier.byGroup(c -> RunAnalysis.comparisonGroup(c.spec()));
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
            out.add("no configuration has both an accuracy and " + metric.metricName() + ", so there is no frontier");
            return out;
        }
        if (points.size() == 1) {
            ParetoPoint<ConfigurationSummary> p = points.get(0);
            String what = frontier.dominated().isEmpty()
                    ? "the only configuration measured"
                    : "best on both: no other configuration is more accurate or uses less " + metric.shortName();
            out.add(p.item().label() + ": " + what + " (" + accuracyText(p) + " at " + DisplayFormat.cost(p.cost(), metric) + ")");
            return out;
        }
        for (int i = 0; i < points.size(); i++) {
            ParetoPoint<ConfigurationSummary> p = points.get(i);
            String at = " (" + accuracyText(p) + " at " + DisplayFormat.cost(p.cost(), metric) + ")";
            String role;
            if (i == 0) {
                role = "least " + metric.shortName() + at;
            } else if (i == points.size() - 1) {
                role = "highest accuracy" + at;
            } else {
                role = "best accuracy within " + DisplayFormat.cost(p.cost(), metric) + " (" + accuracyText(p) + ")";
            }
            out.add(p.item().label() + ": " + role);
        }
        return out;
    }

    private static String accuracyText(ParetoPoint<ConfigurationSummary> p) {
        return DisplayFormat.percent(p.score()) + " %";
    }
}

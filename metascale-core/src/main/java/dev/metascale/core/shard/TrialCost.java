package dev.metascale.core.shard;

import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.TrialSpec;

import java.util.List;

/**
 * A relative estimate of a trial's compute, for balancing shards (never reported as a measurement): the examples its
 * meta-training and evaluation pass through the model, each pass weighted by the model's size, times its data-parallel
 * ranks. Example passes: per training task (support × (inner steps + 1) + query) × meta-batch × iterations, doubled
 * for a learner that differentiates through its inner loop; per test episode support × (eval inner steps + 1) +
 * query. Model weight: Conv-4 ∝ channels², the MLP ∝ its layer products, the named sizes of the other models in
 * proportion to their parameter counts (ResNet-12 tiny/small/standard, ViT tiny/small/base/large, char-lm, MiniLM).
 */
public final class TrialCost {
    private TrialCost() {
    }

    public static double estimate(TrialSpec t) {
        var s = t.sampler();
        long support = (long) s.ways() * s.largestShots();
        long query = (long) s.ways() * s.query();
        var a = t.algorithm();
        double order = "maml".equals(a.name()) || "imaml".equals(a.name()) ? 2 : 1;
        double train = (support * (a.innerSteps() + 1.0) + query) * a.metaBatch() * t.train().iterations() * order;
        double eval = (support * (a.evalInnerSteps() + 1.0) + query) * t.eval().episodes();
        return (train + eval) * modelWeight(t.model()) * Math.max(1, t.techniques().worldSize());
    }

    /** Relative compute of one example pass, Conv-4 with 32 channels = 1. */
    static double modelWeight(ModelSpec m) {
        String size = m.size() == null ? "" : m.size();
        return switch (m.arch()) {
            case "conv4" -> Math.pow((m.channels() > 0 ? m.channels() : 32) / 32.0, 2);
            case "mlp" -> mlp(m.hidden()) / 100_000.0;
            case "resnet12" -> switch (size) {
                case "tiny" -> 2;
                case "small" -> 8;
                default -> 40;
            };
            case "vit" -> switch (size) {
                case "tiny" -> 0.5;
                case "base" -> 20;
                case "large" -> 60;
                default -> 5;
            };
            case "char-lm" -> switch (size) {
                case "small" -> 4;
                case "base" -> 16;
                default -> 1;
            };
            case "minilm" -> 60;
            default -> 1;
        };
    }

    private static double mlp(List<Integer> hidden) {
        if (hidden == null || hidden.isEmpty()) {
            return 784 * 256;
        }
        double sum = 0;
        int in = 784;
        for (int h : hidden) {
            sum += (double) in * h;
            in = h;
        }
        return sum;
    }
}

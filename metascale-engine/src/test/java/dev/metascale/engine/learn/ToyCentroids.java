package dev.metascale.engine.learn;

import dev.metascale.core.component.Hyperparameter;
import dev.metascale.core.component.LearnerDescriptor;
import dev.metascale.core.component.LearnerDescriptor.FlopRule;
import dev.metascale.core.component.LearnerDescriptor.RecomputeRule;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.Set;

/**
 * A toy learner added the way a user adds one: this one file and its class name in
 * {@code META-INF/services/dev.metascale.core.component.ComponentSource} (test resources). It classifies each
 * query by the nearest class centroid of the support features of the model as initialised, and never trains:
 * {@link #metaStep} reports the query loss of that rule, its logits divided by its own hyperparameter
 * {@code algorithm.temperature} (declared here with its default and range, so the suite schema gains the key).
 */
public final class ToyCentroids implements MetaLearner {
    public static final String NAME = "toy-centroids";
    public static final String TEMPERATURE = "temperature";

    /** The registration: descriptor and factory. */
    public static final class Plugin implements LearnerPlugin {
        @Override
        public LearnerDescriptor descriptor() {
            return new LearnerDescriptor(NAME, "test: nearest centroid of untrained features", Set.of(),
                    LearnerDescriptor.Head.NONE,
                    List.of(Hyperparameter.real(TEMPERATURE, 0.1, 10, "softmax temperature of the centroid logits").withDefault(1.0)), "", NAME + " is a test learner", FlopRule.UNCOUNTED, RecomputeRule.NONE);
        }

        @Override
        public MetaLearner create(LearnerContext context) {
            return new ToyCentroids(context.model(), context.params(), context.algorithm().option(TEMPERATURE).doubleValue());
        }
    }

    private final Model model;
    private final ParamSet params;
    private final double temperature;

    ToyCentroids(Model model, ParamSet params, double temperature) {
        this.model = model;
        this.params = params;
        this.temperature = temperature;
    }

    private Tensor logits(Episode e) {
        Tensor protos = ProtoNet.prototypes(model.features(params, e.supportX()), e.supportY(), e.ways());
        return ProtoNet.logits(model.features(params, e.queryX()), protos).div(new org.bytedeco.pytorch.Scalar(temperature));
    }

    @Override
    public double metaStep(List<Episode> tasks) {
        try (NoGradGuard guard = new NoGradGuard()) {
            double total = 0;
            for (Episode task : tasks) {
                total += Losses.crossEntropy(logits(task), task.queryY()).item_double() / tasks.size();
            }
            return total;
        }
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(logits(episode));
        }
    }

    @Override
    public ParamSet parameters() {
        return params;
    }
}

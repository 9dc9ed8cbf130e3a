package dev.metascale.engine.probe;

import dev.metascale.core.flops.FlopFormulas;
import dev.metascale.core.flops.ForwardCost;
import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;

import java.util.Optional;

/**
 * The analytic FLOPs of one meta-iteration of a trial: the model's {@link ForwardCost} at the support and
 * query sizes of the sampler, combined by the algorithm's rule in {@link IterationFlops}. Models other than
 * Conv-4 and the MLP contribute their {@code forwardFlops} total ({@link ForwardCost#ofTotal}); algorithms
 * without a rule here give empty (the metric is then absent).
 */
public final class TrialFlops {
    private TrialFlops() {
    }

    /** @param trainClasses outputs of the fine-tuning baseline's head */
    public static Optional<IterationFlops> perIteration(AlgorithmSpec algorithm, SamplerSpec sampler, Model model,
                                                        int trainClasses) {
        long support = (long) sampler.ways() * sampler.shots();
        long query = (long) sampler.ways() * sampler.query();
        int ways = sampler.ways();
        int batch = algorithm.metaBatch();
        return switch (algorithm.name()) {
            case "maml" -> cost(model, support, ways).flatMap(s -> cost(model, query, ways)
                    .map(q -> IterationFlops.maml(s, q, algorithm.innerSteps(), batch)));
            case "fomaml" -> cost(model, support, ways).flatMap(s -> cost(model, query, ways)
                    .map(q -> IterationFlops.foMaml(s, q, algorithm.innerSteps(), batch)));
            case "protonet" -> cost(model, support, 0).flatMap(s -> cost(model, query, 0)
                    .map(q -> IterationFlops.protoNet(s, q, support, query, ways, model.featureDim(), batch)));
            case "finetune" -> cost(model, support + query, trainClasses).map(c -> IterationFlops.fineTune(c, batch));
            case "reptile" -> cost(model, support + query, ways)
                    .map(c -> IterationFlops.reptile(c, algorithm.innerSteps(), batch));
            case "imaml" -> cost(model, support, ways).flatMap(s -> cost(model, query, ways)
                    .map(q -> IterationFlops.imaml(s, q, algorithm.innerSteps(), algorithm.cgSteps(), batch)));
            case "anil" -> cost(model, support, 0).flatMap(bs -> cost(model, query, 0).map(bq ->
                    IterationFlops.anil(bs, bq, head(support, model.featureDim(), ways), head(query, model.featureDim(), ways),
                            algorithm.innerSteps(), batch, true)));
            default -> Optional.empty();
        };
    }

    /** The linear head as a layer whose input (the features) needs a gradient. */
    static ForwardCost head(long batch, int featureDim, int ways) {
        return new ForwardCost(FlopFormulas.linearForward(batch, featureDim, ways, true), 0,
                FlopFormulas.linearBackward(batch, featureDim, ways, true, true).other());
    }

    /** The forward cost of {@code model} at {@code batch} examples with a head of {@code outputs} (0: features). */
    public static Optional<ForwardCost> cost(Model model, long batch, int outputs) {
        if (model instanceof Mlp mlp) {
            return Optional.of(mlp.forwardCost(batch, outputs));
        }
        if (model instanceof Conv4 conv) {
            return Optional.of(conv.forwardCost(batch, outputs));
        }
        if (model instanceof dev.metascale.engine.model.bert.PretrainedMiniLm minilm) {
            return Optional.of(minilm.forwardCost(batch, outputs));
        }
        var total = model.forwardFlops(batch, outputs);
        return total.isPresent() ? Optional.of(ForwardCost.ofTotal(total.getAsLong())) : Optional.empty();
    }
}

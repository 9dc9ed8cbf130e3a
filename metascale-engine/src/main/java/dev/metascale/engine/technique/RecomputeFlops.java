package dev.metascale.engine.technique;

import dev.metascale.core.flops.FlopCount;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.probe.TrialFlops;

import java.util.Optional;

/**
 * The extra forward FLOPs of activation checkpointing in one meta-iteration
 * ({@link dev.metascale.core.flops.IterationFlops#withRecompute}). {@link SegmentRecompute} re-runs
 * every segment (all feature blocks, not the head) once per checkpointed gradient, so the recompute is
 * one feature forward per checkpointed pass over a batch of examples:
 * <pre>  fomaml:   B · (k · F(support) + F(query))
 *   maml:     B · F(query)              (the inner steps keep their graphs)
 *   protonet, anil: B · (F(support) + F(query))
 *   reptile:  B · k · F(support + query)
 *   imaml:    B · (k · F(support) + F(query))   (the CG solver keeps its graph)
 *   finetune, linear-probe, lora, adapter (pre-training): B · F(support + query)</pre>
 * with F(n) the feature forward FLOPs over n examples, k the inner steps and B the meta-batch.
 */
public final class RecomputeFlops {
    private RecomputeFlops() {
    }

    /** Empty when checkpointing is off or the model does not count its FLOPs. */
    public static Optional<FlopCount> perIteration(AlgorithmSpec algorithm, SamplerSpec sampler, Model model,
                                                   TrainingTechniques techniques) {
        if (!techniques.checkpointing()) {
            return Optional.empty();
        }
        long support = (long) sampler.ways() * sampler.shots();
        long query = (long) sampler.ways() * sampler.query();
        Optional<FlopCount> fs = TrialFlops.cost(model, support, 0).map(c -> c.forward());
        Optional<FlopCount> fq = TrialFlops.cost(model, query, 0).map(c -> c.forward());
        if (fs.isEmpty() || fq.isEmpty()) {
            return Optional.empty();
        }
        FlopCount perTask = switch (algorithm.name()) {
            case "fomaml", "imaml" -> fs.get().times(algorithm.innerSteps()).plus(fq.get());
            case "maml" -> fq.get();
            case "protonet", "anil" -> fs.get().plus(fq.get());
            case "reptile" -> TrialFlops.cost(model, support + query, 0).map(c -> c.forward()).orElse(FlopCount.ZERO)
                    .times(algorithm.innerSteps());
            case "finetune", "linear-probe", "lora", "adapter" -> TrialFlops.cost(model, support + query, 0)
                    .map(c -> c.forward()).orElse(FlopCount.ZERO);
            default -> FlopCount.ZERO;
        };
        return Optional.of(perTask.times(algorithm.metaBatch()));
    }
}

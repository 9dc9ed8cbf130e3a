package dev.metascale.engine.probe;

import dev.metascale.core.flops.IterationFlops;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.model.Conv4;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The FLOPs of a variable-shape sampler are those of the tasks drawn, not of its nominal 5-way 1-shot 15-query shape
 * (a meta-dataset trial recorded 1.24 GFLOP per iteration where its episodes averaged 475 images).
 */
class TrialFlopsTest {
    private final Conv4 model = new Conv4(1, 32, 28, 28);

    @Test
    void tasksOfTheNominalShapeCountWhatTheNominalFormulaCounts() {
        AlgorithmSpec maml = new AlgorithmSpec("maml", 0.4, 2, 2, 0.005, 4);
        SamplerSpec fixed = new SamplerSpec("fixed", 5, 1, 15);
        List<TrialFlops.TaskShape> drawn = new ArrayList<>();
        for (int i = 0; i < 3 * 4; i++) {
            drawn.add(new TrialFlops.TaskShape(5, 75, 5));
        }
        assertEquals(TrialFlops.perIteration(maml, fixed, model, 0).orElseThrow(),
                TrialFlops.perIteration(maml, drawn, 3, 1, model, 0).orElseThrow());
    }

    @Test
    void variableTasksCountAtTheirOwnShapes() {
        AlgorithmSpec maml = new AlgorithmSpec("maml", 0.4, 1, 1, 0.005, 2);
        List<TrialFlops.TaskShape> drawn = List.of(new TrialFlops.TaskShape(5, 75, 5), new TrialFlops.TaskShape(40, 200, 20),
                new TrialFlops.TaskShape(12, 60, 6), new TrialFlops.TaskShape(5, 75, 5));
        IterationFlops perIteration = TrialFlops.perIteration(maml, drawn, 2, 1, model, 0).orElseThrow();
        IterationFlops sum = null;
        for (TrialFlops.TaskShape t : drawn) {
            IterationFlops one = TrialFlops.perIteration(maml.withMetaBatch(1), new SamplerSpec("fixed", t.ways(),
                    (int) t.support() / t.ways(), (int) t.query() / t.ways()), model, 0).orElseThrow();
            sum = sum == null ? one : sum.plus(one);
        }
        assertEquals(sum.dividedBy(2), perIteration);
        assertNotEquals(TrialFlops.perIteration(maml, new SamplerSpec("fixed", 5, 1, 15), model, 0).orElseThrow(), perIteration,
                "the nominal shape would undercount these tasks");
        assertEquals(perIteration.times(2), TrialFlops.perIteration(maml, drawn, 2, 2, model, 0).orElseThrow(),
                "two ranks drawing alike do twice the work of one");
    }

    /** Every learner of this version has a FLOP count: none is left without one (linear-probe, lora and adapter were). */
    @Test
    void everyLearnerIsCounted() {
        SamplerSpec fixed = new SamplerSpec("fixed", 5, 1, 15);
        for (var learner : dev.metascale.core.component.Components.learners()) {
            if (learner.name().equals(dev.metascale.engine.learn.ToyCentroids.NAME)) {
                continue; // the test plugin that shows a plugin may leave its FLOPs uncounted
            }
            AlgorithmSpec spec = new AlgorithmSpec(learner.name(), 0.4, 2, 2, 0.005, 4);
            org.junit.jupiter.api.Assertions.assertTrue(TrialFlops.perIteration(spec, fixed, model, 64).isPresent(),
                    learner.name() + " has no FLOP count");
        }
        // the baselines share one pre-training: the same meta-training FLOPs
        IterationFlops finetune = TrialFlops.perIteration(new AlgorithmSpec("finetune", 0.05, 1, 20, 0.003, 4), fixed, model, 64).orElseThrow();
        for (String baseline : List.of("linear-probe", "lora", "adapter")) {
            assertEquals(finetune, TrialFlops.perIteration(new AlgorithmSpec(baseline, 0.05, 1, 20, 0.003, 4), fixed, model, 64).orElseThrow(), baseline);
        }
    }

    /** Reptile's step reports the loss at θ: one more forward per task than its k inner steps. */
    @Test
    void reptileCountsItsLossForward() {
        SamplerSpec fixed = new SamplerSpec("fixed", 5, 1, 15);
        IterationFlops reptile = TrialFlops.perIteration(new AlgorithmSpec("reptile", 0.4, 3, 3, 0.5, 1), fixed, model, 0).orElseThrow();
        IterationFlops oneStep = TrialFlops.perIteration(new AlgorithmSpec("reptile", 0.4, 1, 1, 0.5, 1), fixed, model, 0).orElseThrow();
        assertEquals(2 * oneStep.forward().total(), reptile.forward().total(), "4 forwards at k = 3 against 2 at k = 1");
        assertEquals(3 * oneStep.backward().total(), reptile.backward().total(), "k backward passes");
    }

    /**
     * ResNet-12, ViT and the char-LM split their costs as Conv-4 does: element-wise work forward and backward is
     * counted (it was 0), and the layer that reads the data computes no input gradient (its dX was counted).
     */
    @Test
    void resnetVitAndCharLmCountTheirElementwiseWorkAndNoInputGradient() {
        var resnet = new dev.metascale.engine.model.ResNet12("tiny", 1, dev.metascale.engine.model.ResNet12.PRESETS.get("tiny"), 28, 28);
        var vit = new dev.metascale.engine.model.Vit("tiny", dev.metascale.engine.model.Vit.PRESETS.get("tiny"), 4, 28, 28);
        var lm = new dev.metascale.engine.model.CharLm("tiny", dev.metascale.engine.model.CharLm.PRESETS.get("tiny"), 100, 32);
        for (dev.metascale.engine.model.Model m : List.of(resnet, vit, lm)) {
            var cost = TrialFlops.cost(m, 10, 5).orElseThrow();
            org.junit.jupiter.api.Assertions.assertTrue(cost.forward().other() > 0 && cost.backwardOther() > 0, m.name() + ": " + cost);
            assertEquals(m.forwardFlops(10, 5).getAsLong(), cost.forward().total(), m.name());
        }
        // ResNet-12's first block reads the images through conv1 (3×3, 1 → 16) and the 1×1 shortcut: 2·28·28·16·(9 + 1) per image
        assertEquals(10L * 2 * 28 * 28 * 16 * 10, TrialFlops.cost(resnet, 10, 5).orElseThrow().inputLayerMatmul());
        // ViT's patch embedding reads the pixels: 2·T·p²·d per image, T = 49 patches of 4×4, d = 64
        assertEquals(10L * 2 * 49 * 16 * 64, TrialFlops.cost(vit, 10, 5).orElseThrow().inputLayerMatmul());
        // the char-LM's first products read trained embeddings: every input gradient is computed
        assertEquals(0, TrialFlops.cost(lm, 10, 5).orElseThrow().inputLayerMatmul());
    }
}

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
}

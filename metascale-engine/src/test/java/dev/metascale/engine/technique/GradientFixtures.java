package dev.metascale.engine.technique;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.FoMaml;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.learn.ProtoNet;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamVectors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Random episodes and gradient comparisons shared by the technique tests. */
final class GradientFixtures {
    static final torch.ScalarType F64 = torch.ScalarType.Double;

    private GradientFixtures() {
    }

    static List<Episode> tasks(int count, int ways, int shots, int query, int side, long seed) {
        torch.manual_seed(seed);
        List<Episode> tasks = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            Tensor sx = torch.randn(new long[]{(long) ways * shots, 1, side, side}, new TensorOptions(F64));
            Tensor qx = torch.randn(new long[]{(long) ways * query, 1, side, side}, new TensorOptions(F64));
            long[] classIds = new long[ways];   // a different split-wide class for each label in each task
            for (int c = 0; c < ways; c++) {
                classIds[c] = (c + t) % ways;
            }
            tasks.add(new Episode(sx, labels(ways, shots), qx, labels(ways, query), ways, classIds));
        }
        return tasks;
    }

    static Tensor labels(int ways, int perClass) {
        long[] y = new long[ways * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / perClass;
        }
        return ArrayTensors.longs(y, y.length);
    }

    /**
     * The meta-gradient of (second-order or first-order) MAML on {@code tasks} with these techniques, from the
     * model's float64 initialisation (inner lr 0.4, 2 steps); its mean loss goes to {@code loss[0]}.
     */
    static double[] mamlMetaGradient(Model model, boolean firstOrder, TrainingTechniques t, List<Episode> tasks, double[] loss) {
        Maml learner = firstOrder ? new FoMaml(model, model.init(2, 3, F64), 0.4, 2, 2, 1e-3, t)
                : new Maml(model, model.init(2, 3, F64), 0.4, 2, 2, 1e-3, t);
        learner.zeroGrad();
        loss[0] = learner.accumulateMetaGradient(tasks);
        return ParamVectors.grads(learner.parameters());
    }

    /** The meta-gradient of ProtoNet on {@code tasks} with these techniques; its mean loss goes to {@code loss[0]}. */
    static double[] protoNetMetaGradient(Model model, TrainingTechniques t, List<Episode> tasks, double[] loss) {
        ProtoNet learner = new ProtoNet(model, model.init(2, 0, F64), 1e-3, t);
        learner.zeroGrad();
        loss[0] = learner.accumulateMetaGradient(tasks);
        return ParamVectors.grads(learner.parameters());
    }

}

package dev.metascale.engine.learn;

import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The fine-tuning baseline: conventional supervised training, then a new head per episode.
 *
 * <p>As in "A Closer Look at Few-shot Classification" (Chen et al., ICLR 2019, "Baseline"): the
 * backbone and a head over all meta-train classes are trained with cross-entropy and Adam on the
 * same examples the meta-learners see (support and query of each training task, with their
 * split-wide labels). For a test episode the backbone is frozen, a new zero-initialised linear head
 * with {@code ways} outputs is trained on the support features with {@code steps} full-batch SGD steps
 * of size {@code lr}, and the query is classified with it.
 */
public final class FineTune implements MetaLearner {
    private final Model model;
    private final ParamSet params;
    private final double headLr;
    private final int headSteps;
    private final OuterOptimizer optimizer;

    /** @param params backbone plus a head over all meta-train classes */
    public FineTune(Model model, ParamSet params, double headLr, int headSteps, double outerLr) {
        this.model = model;
        this.params = params;
        this.headLr = headLr;
        this.headSteps = headSteps;
        this.optimizer = new OuterOptimizer(params, outerLr);
    }

    @Override
    public double metaStep(List<Episode> tasks) {
        optimizer.zeroGrad();
        double total = 0;
        Scalar scale = new Scalar(1.0 / tasks.size());
        for (Episode task : tasks) {
            Tensor x = torch.cat(new TensorVector(task.supportX(), task.queryX()), 0);
            Tensor y = torch.cat(new TensorVector(globalLabels(task, task.supportY()), globalLabels(task, task.queryY())), 0);
            Tensor loss = Losses.crossEntropy(model.logits(params, x), y).mul(scale);
            loss.backward();
            total += loss.item_double();
        }
        optimizer.step();
        return total;
    }

    private static Tensor globalLabels(Episode task, Tensor episodeLabels) {
        Tensor map = ArrayTensors.longs(task.classIds(), task.classIds().length);
        return torch.index_select(map, 0, episodeLabels);
    }

    @Override
    public long[] adaptAndPredict(Episode episode) {
        Tensor support;
        Tensor query;
        try (NoGradGuard guard = new NoGradGuard()) {
            support = model.features(params, episode.supportX());
            query = model.features(params, episode.queryX());
        }
        ParamSet head = LinearHead.create(model.featureDim(), episode.ways(), params.tensors().get(0).scalar_type(), true);
        Scalar lr = new Scalar(headLr);
        for (int s = 0; s < headSteps; s++) {
            Tensor loss = Losses.crossEntropy(LinearHead.apply(head, support), episode.supportY());
            TensorVector grads = torch.grad(new TensorVector(loss), head.vector(), new TensorVector(),
                    new BoolOptional(false), false, false);
            List<Tensor> next = new ArrayList<>(head.size());
            try (NoGradGuard guard = new NoGradGuard()) {
                for (int i = 0; i < head.size(); i++) {
                    Tensor updated = head.tensors().get(i).sub(new Tensor(grads.get(i)), lr);
                    updated.requires_grad_(true);
                    next.add(updated);
                }
            }
            head = new ParamSet(head.names(), next);
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            return Losses.argmax(LinearHead.apply(head, query));
        }
    }

    @Override
    public ParamSet parameters() {
        return params;
    }
}

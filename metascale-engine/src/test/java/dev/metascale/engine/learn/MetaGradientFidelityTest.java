package dev.metascale.engine.learn;

import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.SuiteLoader;
import dev.metascale.engine.TrialExecutor;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Meta-gradient fidelity: exact for MAML and its gradient-preserving techniques, below 1 for the approximations. */
class MetaGradientFidelityTest {
    private static final int WAYS = 5;
    private static final double INNER_LR = 0.5;
    private static final int INNER_STEPS = 2;
    private static final AlgorithmSpec ALGORITHM = new AlgorithmSpec("maml", INNER_LR, INNER_STEPS, INNER_STEPS, 0.001, 4);

    @BeforeAll
    static void threads() {
        TorchRuntime.configure(1);
    }

    private static List<Episode> tasks(long seed) {
        torch.manual_seed(seed);
        List<Episode> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long[] support = new long[WAYS * 2];
            long[] query = new long[WAYS * 3];
            for (int i = 0; i < query.length; i++) {
                query[i] = i % WAYS;
            }
            for (int i = 0; i < support.length; i++) {
                support[i] = i % WAYS;
            }
            Tensor sx = torch.rand(new long[]{support.length, 1, 16, 16}, new TensorOptions(torch.ScalarType.Float));
            Tensor qx = torch.rand(new long[]{query.length, 1, 16, 16}, new TensorOptions(torch.ScalarType.Float));
            tasks.add(new Episode(sx, ArrayTensors.longs(support, support.length), qx, ArrayTensors.longs(query, query.length),
                    WAYS, new long[]{0, 1, 2, 3, 4}));
        }
        return tasks;
    }

    /** The fidelity of the learner {@code make} builds on fresh parameters of a small Conv-4. */
    private static MetaGradientFidelity.Sample fidelity(Function<ParamSet, MetaLearner> make) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(7);
            Conv4 model = new Conv4(1, 8, 16, 16);
            MetaLearner learner = make.apply(model.init(7, WAYS, torch.ScalarType.Float));
            return new MetaGradientFidelity(model, learner, ALGORITHM).measure(learner, tasks(11)).orElseThrow();
        }
    }

    private static Conv4 model() {
        return new Conv4(1, 8, 16, 16);
    }

    @Test
    void mamlAgainstItselfIsExact() {
        MetaGradientFidelity.Sample s = fidelity(p -> new Maml(model(), p, INNER_LR, INNER_STEPS, INNER_STEPS, 0.001));
        assertEquals(1.0, s.cosine(), 1e-6);
        assertTrue(s.relativeError() < 1e-5, "relative error " + s.relativeError());
    }

    @Test
    void gradientPreservingTechniquesStayExact() {
        for (TrainingTechniques t : List.of(new TrainingTechniques(2, 0), new TrainingTechniques(0, 2), new TrainingTechniques(0, 0, 2))) {
            MetaGradientFidelity.Sample s = fidelity(p -> new Maml(model(), p, INNER_LR, INNER_STEPS, INNER_STEPS, 0.001, t));
            assertEquals(1.0, s.cosine(), 1e-5, t.toString());
            assertTrue(s.relativeError() < 1e-4, t + ": relative error " + s.relativeError());
        }
    }

    @Test
    void theApproximationsAreBelowOne() {
        MetaGradientFidelity.Sample fomaml = fidelity(p -> new FoMaml(model(), p, INNER_LR, INNER_STEPS, INNER_STEPS, 0.001));
        assertTrue(fomaml.cosine() < 0.9999 && fomaml.cosine() > 0, "FOMAML drops the second-order term: cosine " + fomaml.cosine());
        assertTrue(fomaml.relativeError() > 1e-3, "relative error " + fomaml.relativeError());

        MetaGradientFidelity.Sample reptile = fidelity(p -> new Reptile(model(), p, INNER_LR, INNER_STEPS, INNER_STEPS, 0.1));
        assertTrue(reptile.cosine() < 0.9999, "cosine " + reptile.cosine());
        assertTrue(Double.isNaN(reptile.relativeError()), "Reptile's update has no gradient scale");

        MetaGradientFidelity.Sample imaml = fidelity(p -> new Imaml(model(), p, new Imaml.Settings(INNER_LR, INNER_STEPS, 1.0, 5),
                INNER_STEPS, 0.001));
        assertTrue(imaml.cosine() < 0.9999, "cosine " + imaml.cosine());
        System.out.printf("fidelity vs MAML: fomaml cos %.4f err %.3f, reptile cos %.4f, imaml cos %.4f err %.3f%n",
                fomaml.cosine(), fomaml.relativeError(), reptile.cosine(), imaml.cosine(), imaml.relativeError());
    }

    @Test
    void measuringChangesNothing() {
        try (PointerScope scope = new PointerScope()) {
            Conv4 model = model();
            Maml probed = new Maml(model, model.init(7, WAYS, torch.ScalarType.Float), INNER_LR, INNER_STEPS, INNER_STEPS, 0.001);
            Maml plain = new Maml(model, model.init(7, WAYS, torch.ScalarType.Float), INNER_LR, INNER_STEPS, INNER_STEPS, 0.001);
            List<Episode> tasks = tasks(3);
            plain.metaStep(tasks);
            new MetaGradientFidelity(model, probed, ALGORITHM).measure(probed, tasks);
            probed.metaStep(tasks);
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertTrue(torch.equal(plain.parameters().tensors().get(i), probed.parameters().tensors().get(i)), "parameter " + i);
            }
        }
    }

    @Test
    void theWorkerRecordsItOrSaysWhyNot() throws Exception {
        String suite = """
                name: fidelity
                defaults:
                  dataset: synthetic
                  sampler: {kind: fixed, ways: 5, shots: 1, query: 5}
                  model: {arch: conv4, channels: 8}
                  algorithm: {name: fomaml, meta_batch: 2, inner_steps: 1, inner_lr: 0.4}
                  train: {iterations: 8, warmup: 1}
                  eval: {episodes: 20, seed: 1000}
                """;
        TrialResult fomaml = TrialExecutor.execute(SuiteLoader.parse(suite, "f.yaml").trials().get(0), 1, "2026-01-01T00:00:00Z", l -> { });
        assertTrue(fomaml.isOk(), fomaml.toString());
        assertEquals(3, fomaml.metrics().get("metagrad_cosine").get("n").asInt());
        assertTrue(fomaml.metrics().get("metagrad_cosine").get("max").asDouble() < 1.0);
        assertTrue(fomaml.metrics().has("metagrad_rel_error"));
        TrialResult protonet = TrialExecutor.execute(SuiteLoader.parse(suite.replace("fomaml", "protonet"), "f.yaml").trials().get(0),
                1, "2026-01-01T00:00:00Z", l -> { });
        assertFalse(protonet.metrics().has("metagrad_cosine"));
        assertTrue(protonet.metrics().get("metagrad_absent").asText().contains("approximates no MAML meta-gradient"));
    }
}

package dev.metascale.engine.learn;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.engine.eval.LanguageModelScores;
import dev.metascale.engine.model.CharLm;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Learners on language-model tasks: the meta-gradient through the character LM, the query loss after
 * adaptation, and a generated task family on which meta-training must lower the query perplexity.
 */
class LanguageModelLearnersTest {
    private static final int VOCABULARY = 6;
    private static final int T = 8;
    /** One block of width 32: small enough that 40 meta-steps take a few seconds. */
    private static final CharLm.Preset SMALL = new CharLm.Preset(32, 1, 2);

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    /**
     * A "language": a random string of 3 distinct characters repeated; windows start at random offsets.
     * Within a task the previous character determines the next; across tasks the rule differs.
     */
    static Episode periodicTask(long seed, int shots, int query) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] pattern = new int[3];
        for (int i = 0; i < 3; i++) {
            boolean fresh;
            do {
                pattern[i] = rng.nextInt(VOCABULARY);
                fresh = true;
                for (int j = 0; j < i; j++) {
                    fresh &= pattern[j] != pattern[i];
                }
            } while (!fresh);
        }
        Tensor[] support = windows(rng, pattern, shots);
        Tensor[] queries = windows(rng, pattern, query);
        return new Episode(support[0], support[1], queries[0], queries[1], 1, new long[]{seed});
    }

    private static Tensor[] windows(SplittableRandom rng, int[] pattern, int n) {
        long[] x = new long[n * T];
        long[] y = new long[n * T];
        for (int w = 0; w < n; w++) {
            int offset = rng.nextInt(pattern.length);
            for (int t = 0; t < T; t++) {
                x[w * T + t] = pattern[(offset + t) % pattern.length];
                y[w * T + t] = pattern[(offset + t + 1) % pattern.length];
            }
        }
        return new Tensor[]{ArrayTensors.longs(x, n, T), ArrayTensors.longs(y, (long) n * T)};
    }

    private static double meanQueryLoss(MetaLearner learner, long firstSeed) {
        double total = 0;
        for (int i = 0; i < 8; i++) {
            try (PointerScope scope = new PointerScope()) {
                total += learner.adaptAndQueryLoss(periodicTask(firstSeed + i, 2, 2)) / 8;
            }
        }
        return total;
    }

    private static AlgorithmSpec algorithm(String name, double innerLr, double outerLr) {
        return new AlgorithmSpec(name, innerLr, 2, 4, outerLr, 4);
    }

    /** Meta-training on periodic languages lowers the query loss on held-out ones, within a few seconds. */
    @ParameterizedTest
    @CsvSource({
            // name, inner_steps, outer_lr, iterations, imaml lambda
            "maml, 2, 0.003, 40, 1.0", "fomaml, 2, 0.003, 40, 1.0", "reptile, 2, 0.5, 40, 1.0", "imaml, 4, 0.003, 20, 1.0",
            "anil, 2, 0.003, 40, 1.0", "finetune, 2, 0.003, 40, 1.0"})
    void metaTrainingLowersQueryPerplexityOnHeldOutLanguages(String name, int innerSteps, double outerLr, int iterations, double lambda) {
        Model lm = new CharLm("test", SMALL, VOCABULARY, T);
        MetaLearner learner = Learners.create(new AlgorithmSpec(name, 0.1, innerSteps, 4, outerLr, 4, 3, lambda, 4, 16), lm,
                VOCABULARY, VOCABULARY, 1, torch.ScalarType.Float);
        double before = meanQueryLoss(learner, 10_000);
        long start = System.nanoTime();
        for (int it = 0; it < iterations; it++) {
            try (PointerScope scope = new PointerScope()) {
                List<Episode> tasks = new ArrayList<>();
                for (int b = 0; b < 4; b++) {
                    tasks.add(periodicTask(it * 4L + b, 2, 2));
                }
                assertTrue(Double.isFinite(learner.metaStep(tasks)));
            }
        }
        double after = meanQueryLoss(learner, 10_000);
        System.out.printf("%s: query perplexity %.2f -> %.2f (uniform %d) in %.1f s%n", name,
                LanguageModelScores.perplexity(before), LanguageModelScores.perplexity(after), VOCABULARY,
                (System.nanoTime() - start) / 1e9);
        assertTrue(after < before, name + ": query loss " + before + " -> " + after);
        assertTrue(after < 0.5 * Math.log(VOCABULARY), name + ": query loss " + after + " is not clearly below uniform "
                + Math.log(VOCABULARY));
    }

    /** Maml's query loss is that of its own adapted weights, recomputed by hand. */
    @Test
    void queryLossIsTheCrossEntropyOfTheAdaptedModel() {
        try (PointerScope scope = new PointerScope()) {
            Model lm = new CharLm("test", SMALL, VOCABULARY, T);
            Maml maml = new Maml(lm, lm.init(2, VOCABULARY, torch.ScalarType.Double), 0.1, 1, 3, 1e-3);
            Episode task = periodicTask(7, 2, 3);
            assertTrue(task.nextCharacterTargets());
            ParamSet fast = maml.adapt(maml.parameters(), task, 3, false);
            double expected = Losses.crossEntropy(lm.logits(fast, task.queryX()), task.queryY()).item_double();
            assertEquals(expected, maml.adaptAndQueryLoss(task), 1e-12);
            assertTrue(expected < Losses.crossEntropy(lm.logits(maml.parameters(), task.queryX()), task.queryY()).item_double());
        }
    }

    /** Second-order MAML through the causal LM (embedding, masked attention) equals central finite differences. */
    @Test
    void mamlMetaGradientThroughTheLmMatchesFiniteDifferences() {
        try (PointerScope scope = new PointerScope()) {
            Model lm = new CharLm("mini", new CharLm.Preset(4, 1, 2), 5, 4);
            Maml maml = new Maml(lm, lm.init(3, 5, torch.ScalarType.Double), 0.5, 2, 2, 1e-3);
            List<Episode> tasks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SplittableRandom rng = new SplittableRandom(i);
                long[] sx = rng.longs(2 * 4, 0, 5).toArray();
                long[] sy = rng.longs(2 * 4, 0, 5).toArray();
                long[] qx = rng.longs(2 * 4, 0, 5).toArray();
                long[] qy = rng.longs(2 * 4, 0, 5).toArray();
                tasks.add(new Episode(ArrayTensors.longs(sx, 2, 4), ArrayTensors.longs(sy, 8), ArrayTensors.longs(qx, 2, 4),
                        ArrayTensors.longs(qy, 8), 1, new long[]{i}));
            }
            maml.zeroGrad();
            maml.accumulateMetaGradient(tasks);
            double[] analytic = dev.metascale.engine.torch.ParamVectors.grads(maml.parameters());
            double[] numeric = MetaGradientCheck.finiteDifferences(maml, tasks, 1e-6);
            double error = dev.metascale.engine.torch.ParamVectors.relativeError(analytic, numeric);
            assertTrue(error < 1e-5, "relative error of the LM meta-gradient vs finite differences: " + error);
        }
    }

    @Test
    void perplexityAndBitsPerCharacterByHand() {
        // Query targets with model probabilities 1/2, 1/4, 1/8: H = (ln 2 + ln 4 + ln 8) / 3 = 2 ln 2 nats.
        double h = (Math.log(2) + Math.log(4) + Math.log(8)) / 3;
        assertEquals(4.0, LanguageModelScores.perplexity(h), 1e-12);
        assertEquals(2.0, LanguageModelScores.bitsPerCharacter(h), 1e-12);
        // A uniform model over 6 characters: perplexity 6, log2(6) bits.
        assertEquals(6.0, LanguageModelScores.perplexity(Math.log(6)), 1e-12);
        assertEquals(Math.log(6) / Math.log(2), LanguageModelScores.bitsPerCharacter(Math.log(6)), 1e-12);
    }

    @Test
    void learnersWithoutALanguageModelCaseSayWhich() {
        Model lm = CharLm.preset("tiny", VOCABULARY, T);
        MetaLearner protonet = Learners.create(algorithm("protonet", 0.1, 1e-3), lm, VOCABULARY, VOCABULARY, 0, torch.ScalarType.Float);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> protonet.adaptAndQueryLoss(periodicTask(1, 2, 2)));
        assertTrue(e.getMessage().contains("ProtoNet") && e.getMessage().contains("maml"), e.getMessage());
        assertFalse(periodicTask(1, 2, 2).supportY().size(0) == 2);
    }
}

package dev.metascale.engine.model;

import dev.metascale.core.spec.ModelSpec;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.core.component.Modality;
import dev.metascale.engine.data.Split;
import dev.metascale.engine.data.SyntheticDataset;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The causal character LM: shapes, parameter count, causality, gradients against finite differences, FLOPs. */
class CharLmTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;
    /** A model small enough for finite differences over every parameter. */
    private static final CharLm MINI = new CharLm("mini", new CharLm.Preset(8, 2, 2), 7, 6);

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    static Tensor ids(long[] values, int n, int t) {
        return ArrayTensors.longs(values, n, t);
    }

    private static long[] randomIds(int count, int vocabulary, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = rng.nextInt(vocabulary);
        }
        return out;
    }

    @Test
    void presetsHaveTheStatedParameterCountAndShapes() {
        for (String size : List.of("tiny", "small", "base")) {
            try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
                CharLm lm = CharLm.preset(size, 2014, 64);
                ParamSet p = lm.init(0, 2014, torch.ScalarType.Float);
                assertEquals(lm.parameterCount(), p.count(), size);
                System.out.printf("char-lm-%s: %,d parameters (vocabulary 2014, T 64)%n", size, p.count());
                Tensor x = ids(randomIds(3 * 10, 2014, 1), 3, 10);
                assertArrayEquals(new long[]{30, lm.featureDim()}, lm.features(p, x).sizes().vec().get());
                assertArrayEquals(new long[]{30, 2014}, lm.logits(p, x).sizes().vec().get());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CharLm.preset("huge", 10, 4));
        IllegalArgumentException head = assertThrows(IllegalArgumentException.class, () -> MINI.init(0, 5, F64));
        assertTrue(head.getMessage().contains("7 outputs"), head.getMessage());
    }

    /** Changing character j changes no logits of positions before j (and does change position j's). */
    @Test
    void laterCharactersDoNotChangeEarlierLogits() {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            CharLm lm = CharLm.preset("tiny", 20, 12);
            ParamSet p = lm.init(4, 20, F64);
            long[] a = randomIds(2 * 12, 20, 2);
            for (int j = 0; j < 12; j++) {
                long[] b = a.clone();
                b[j] = (b[j] + 1) % 20;           // window 0, position j
                b[12 + j] = (b[12 + j] + 3) % 20; // window 1, position j
                double[] la = ArrayTensors.toDoubles(lm.logits(p, ids(a, 2, 12)));
                double[] lb = ArrayTensors.toDoubles(lm.logits(p, ids(b, 2, 12)));
                for (int w = 0; w < 2; w++) {
                    for (int t = 0; t < 12; t++) {
                        double diff = 0;
                        for (int v = 0; v < 20; v++) {
                            int k = ((w * 12) + t) * 20 + v;
                            diff = Math.max(diff, Math.abs(la[k] - lb[k]));
                        }
                        if (t < j) {
                            assertEquals(0.0, diff, 0.0, "window " + w + " position " + t + " changed when position " + j + " did");
                        } else if (t == j) {
                            assertTrue(diff > 1e-9, "position " + j + " ignores its own character");
                        }
                    }
                }
            }
        }
    }

    private static double loss(CharLm lm, ParamSet p, Tensor x, Tensor y) {
        return torch.cross_entropy_loss(lm.logits(p, x), y).item_double();
    }

    /** Autograd's gradient of the next-character cross-entropy equals central finite differences, every parameter. */
    @Test
    void gradientMatchesFiniteDifferences() {
        try (PointerScope scope = new PointerScope()) {
            ParamSet p = MINI.init(5, 7, F64);
            Tensor x = ids(randomIds(3 * 6, 7, 3), 3, 6);
            Tensor y = ArrayTensors.longs(randomIds(3 * 6, 7, 4), 18);
            TensorVector g = torch.grad(new TensorVector(torch.cross_entropy_loss(MINI.logits(p, x), y)), p.vector(),
                    new TensorVector(), new BoolOptional(false), false, false);
            double h = 1e-6;
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < p.size(); i++) {
                double[] analytic = ArrayTensors.toDoubles(new Tensor(g.get(i)));
                Tensor flat = p.tensors().get(i).detach().view(-1);
                for (int k = 0; k < analytic.length; k++) {
                    double original = flat.get(k).item_double();
                    set(flat, k, original + h);
                    double plus = loss(MINI, p, x, y);
                    set(flat, k, original - h);
                    double minus = loss(MINI, p, x, y);
                    set(flat, k, original);
                    double numeric = (plus - minus) / (2 * h);
                    diff += (analytic[k] - numeric) * (analytic[k] - numeric);
                    norm += numeric * numeric;
                }
            }
            double error = Math.sqrt(diff / norm);
            assertTrue(error < 1e-6, "relative error of the gradient vs finite differences: " + error);
        }
    }

    private static void set(Tensor flat, long i, double value) {
        try (NoGradGuard guard = new NoGradGuard()) {
            flat.get(i).fill_(new Scalar(value));
        }
    }

    /** Matmul FLOPs from the parameters: 2 × weight × positions per matrix, 4·T²·d per attention, the head. */
    @Test
    void flopsAreTwicePerWeightPerPositionPlusAttentionAndHead() {
        try (PointerScope scope = new PointerScope()) {
            CharLm lm = CharLm.preset("tiny", 30, 16);
            ParamSet p = lm.init(0, 30, torch.ScalarType.Float);
            long t = 16;
            long expected = 0;
            for (int i = 0; i < p.size(); i++) {
                String name = p.names().get(i);
                if (name.startsWith("block") && name.endsWith(".weight") && p.tensors().get(i).dim() == 2) {
                    expected += 2 * p.tensors().get(i).numel() * t;
                }
            }
            expected += 2 * 4 * t * t * 64;                            // two blocks of scores and mixing
            expected += 2 * p.get(LinearHead.WEIGHT).numel() * t;      // the vocabulary head
            // the products, derived from the parameters; element-wise work comes on top in the total
            assertEquals(3 * expected, dev.metascale.engine.probe.TrialFlops.cost(lm, 3, 1).orElseThrow().forward().matmul());
            assertTrue(lm.forwardFlops(3, 1).getAsLong() > 3 * expected);
        }
    }

    /** A minimal character-window data set (no rows: only what Models.create reads). */
    private static FewShotDataset windows(int vocabulary, int width) {
        return new FewShotDataset() {
            public String name() { return "udhr"; }
            public String version() { return "test"; }
            public String hash() { return "0"; }
            public int height() { return 1; }
            public int width() { return width; }
            public Modality modality() { return Modality.CHARACTER_WINDOWS; }
            public int vocabularySize() { return vocabulary; }
            public List<String> classNames(Split split) { return List.of(); }
            public List<String> groupNames(Split split) { return List.of(); }
            public int examplesPerClass(Split split, int classIndex) { return 0; }
            public float[][] examples(Split split, int classIndex) { return new float[0][]; }
        };
    }

    @Test
    void modelsBuildCharLmForCharacterWindowsOnlyAndNothingElseForThem() {
        Model lm = Models.create(new ModelSpec("char-lm", "small", List.of(), 0), windows(40, 33));
        assertEquals("char-lm-small", lm.name());
        assertEquals(40, ((CharLm) lm).vocabulary());
        assertEquals(32, ((CharLm) lm).context());
        IllegalArgumentException vit = assertThrows(IllegalArgumentException.class,
                () -> Models.create(new ModelSpec("vit", "tiny", List.of(), 0), windows(40, 33)));
        assertTrue(vit.getMessage().contains("char-lm") && vit.getMessage().contains("'vit'"), vit.getMessage());
        IllegalArgumentException images = assertThrows(IllegalArgumentException.class,
                () -> Models.create(new ModelSpec("char-lm", "tiny", List.of(), 0), SyntheticDataset.create(0, 5, 1, 5, 2)));
        assertTrue(images.getMessage().contains("synthetic"), images.getMessage());
    }
}

package dev.metascale.engine.model;

import dev.metascale.core.spec.ModelSpec;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ResNet-12 and ViT presets: forward shapes, parameter counts, analytic FLOPs. */
class ModelPresetsTest {
    private static final torch.ScalarType F32 = torch.ScalarType.Float;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    /** Counts by hand: ResNet-12 block (in → c) has 9·in·c + 18·c² + in·c conv weights + 8·c batch-norm; ViT 12d² + 13d per block. */
    @ParameterizedTest
    @CsvSource({"resnet12, tiny, 501280", "resnet12, small, 2000960", "resnet12, standard, 12423040",
            "vit, tiny, 104320", "vit, small, 2682240", "vit, base, 14221824", "vit, large, 49278720"})
    void presetHasTheStatedParameterCount(String arch, String size, long count) {
        try (PointerScope scope = new PointerScope()) {
            Model model = Models.create(new ModelSpec(arch, size, List.of(), 0), 28, 28);
            assertEquals(arch + "-" + size, model.name());
            assertEquals(count, model.init(0, 0, F32).count());
        }
    }

    @ParameterizedTest
    @CsvSource({"resnet12, tiny, 128", "resnet12, small, 256", "vit, tiny, 64", "vit, small, 192"})
    void forwardGivesFeaturesAndLogitsOfTheRightShape(String arch, String size, int featureDim) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Model model = Models.create(new ModelSpec(arch, size, List.of(), 0), 28, 28);
            ParamSet p = model.init(1, 5, F32);
            Tensor x = torch.randn(new long[]{3, 1, 28, 28}, new TensorOptions(F32));
            assertEquals(featureDim, model.featureDim());
            assertArrayEquals(new long[]{3, featureDim}, model.features(p, x).sizes().vec().get());
            Tensor logits = model.logits(p, x);
            assertArrayEquals(new long[]{3, 5}, logits.sizes().vec().get());
            assertTrue(Float.isFinite(logits.abs().max().item_float()));
        }
    }

    /** FLOPs recomputed from the parameters: each conv weight × output pixels × 2. */
    @Test
    void resnetFlopsAreTwicePerWeightPerOutputPixel() {
        try (PointerScope scope = new PointerScope()) {
            Model model = ResNet12.preset("tiny", 28, 28);
            ParamSet p = model.init(0, 5, F32);
            long[] side = {28, 14, 7, 3};
            long expected = 0;
            for (int i = 0; i < p.size(); i++) {
                String name = p.names().get(i);
                if (name.startsWith("block") && name.endsWith(".weight") && p.tensors().get(i).dim() == 4) {
                    long s = side[name.charAt(5) - '0'];
                    expected += 2 * p.tensors().get(i).numel() * s * s;
                }
            }
            expected += 2 * p.get(LinearHead.WEIGHT).numel();
            assertEquals(7 * expected, dev.metascale.engine.probe.TrialFlops.cost(model, 7, 5).orElseThrow().forward().matmul());
            org.junit.jupiter.api.Assertions.assertTrue(model.forwardFlops(7, 5).getAsLong() > 7 * expected, "element-wise work on top");
        }
    }

    /** FLOPs from the parameters: 2 × weight × tokens for each matrix, plus 4·T²·d per attention. */
    @Test
    void vitFlopsAreTwicePerWeightPerTokenPlusAttention() {
        try (PointerScope scope = new PointerScope()) {
            Model model = Vit.preset("tiny", 28, 28);
            ParamSet p = model.init(0, 5, F32);
            long tokens = 49;
            long d = 64;
            long expected = 0;
            for (int i = 0; i < p.size(); i++) {
                String name = p.names().get(i);
                if (name.endsWith(".weight") && p.tensors().get(i).dim() == 2 && !name.startsWith("head")) {
                    expected += 2 * p.tensors().get(i).numel() * tokens;
                }
            }
            expected += 2 * 4 * tokens * tokens * d / 2 * 1;   // scores and mixing: 2 · (2·T²·d) per block
            expected += 4 * tokens * tokens * d;               // second block
            expected += 2 * p.get(LinearHead.WEIGHT).numel();
            assertEquals(2 * expected, dev.metascale.engine.probe.TrialFlops.cost(model, 2, 5).orElseThrow().forward().matmul());
            org.junit.jupiter.api.Assertions.assertTrue(model.forwardFlops(2, 5).getAsLong() > 2 * expected, "element-wise work on top");
        }
    }

    @Test
    void unknownPresetNamesThePresets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.create(new ModelSpec("vit", "huge", List.of(), 0), 28, 28));
        assertTrue(e.getMessage().contains("base") && e.getMessage().contains("huge"), e.getMessage());
    }
}

package dev.metascale.engine.model;

import dev.metascale.core.spec.Catalog;
import dev.metascale.core.spec.InvalidSuiteException;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SuiteLoader;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feature blocks that activation checkpointing recomputes ({@link Model#featureBlock}): in order
 * they are {@link Model#features} exactly, each reads exactly the parameters it lists, and the suite
 * validator accepts checkpointing for exactly the models that have them.
 */
class FeatureBlocksTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static Model model(String arch) {
        return switch (arch) {
            case "mlp" -> new Mlp(784, List.of(32, 16, 16));
            case "conv4" -> new Conv4(1, 8, 28, 28);
            default -> Models.create(new ModelSpec(arch, "tiny", List.of(), 0), 28, 28);
        };
    }

    private static Tensor images(int n) {
        torch.manual_seed(11);
        return torch.randn(new long[]{n, 1, 28, 28}, new TensorOptions(F64));
    }

    @ParameterizedTest
    @CsvSource({"mlp, 3", "conv4, 4", "resnet12, 4", "vit, 2"})
    void blocksInOrderAreTheFeaturesExactly(String arch, int blocks) {
        try (PointerScope scope = new PointerScope()) {
            Model m = model(arch);
            ParamSet p = m.init(3, 5, F64);
            Tensor x = images(6);
            assertEquals(blocks, m.featureBlockCount());
            Tensor a = x;
            for (int b = 0; b < m.featureBlockCount(); b++) {
                a = m.featureBlock(p, b, a);
            }
            Tensor features = m.features(p, x);
            assertEquals(List.of(6L, (long) m.featureDim()), List.of(a.size(0), a.size(1)));
            assertTrue(torch.equal(a, features), arch + ": blocks differ from features by "
                    + a.sub(features).abs().max().item_double());
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp", "conv4", "resnet12", "vit"})
    void eachBlockReadsExactlyTheParametersItLists(String arch) {
        try (PointerScope scope = new PointerScope()) {
            Model m = model(arch);
            ParamSet p = m.init(3, 0, F64);
            // Non-zero biases and norm shifts, so that every listed parameter has a non-zero gradient.
            try (NoGradGuard guard = new NoGradGuard()) {
                for (Tensor t : p.tensors()) {
                    t.add_(torch.randn_like(t).mul(new org.bytedeco.pytorch.Scalar(0.1)));
                }
            }
            Set<String> seen = new HashSet<>();
            Tensor a = images(4);
            for (int b = 0; b < m.featureBlockCount(); b++) {
                List<String> listed = m.featureBlockParameters(b);
                for (String name : listed) {
                    assertTrue(seen.add(name), arch + ": " + name + " listed by two blocks");
                }
                Tensor out = m.featureBlock(p, b, a);
                TensorVector g = torch.grad(new TensorVector(out.pow(new org.bytedeco.pytorch.Scalar(2)).sum()), p.vector(),
                        new TensorVector(), new BoolOptional(false), false, true);
                for (int i = 0; i < p.size(); i++) {
                    Tensor gi = new Tensor(g.get(i));
                    boolean read = gi.defined() && gi.abs().sum().item_double() > 0;
                    assertEquals(listed.contains(p.names().get(i)), read, arch + " block " + b + ": " + p.names().get(i));
                }
                a = out.detach();
            }
            assertEquals(new HashSet<>(p.names()), seen, arch + ": every parameter belongs to one block");
        }
    }

    /** Accepted by the validator with checkpointing on, or not: must agree with the model's feature blocks. */
    @Test
    void theValidatorAcceptsCheckpointingForExactlyTheModelsWithFeatureBlocks() {
        List<String> checked = new ArrayList<>();
        for (Catalog.Entry entry : Catalog.MODELS) {
            if (!entry.available()) {
                continue;
            }
            // Each model with data it can read: the text models with their data sets, the rest with glyphs.
            String data = switch (entry.name()) {
                case "minilm" -> "  dataset: wordnet\n";
                case "char-lm" -> "  dataset: udhr\n  sampler: {ways: 1}\n";
                default -> "";
            };
            boolean accepted;
            try {
                SuiteLoader.parse("name: x\ndefaults:\n  model: {arch: " + entry.name() + ", size: tiny}\n" + data
                        + "  techniques: {checkpointing: 2}\n  algorithm: {name: fomaml}\n", "s.yaml");
                accepted = true;
            } catch (InvalidSuiteException e) {
                assertTrue(e.getMessage().contains("feature blocks"), e.getMessage());
                accepted = false;
            }
            Model m = switch (entry.name()) {
                case "minilm" -> new dev.metascale.engine.model.bert.PretrainedMiniLm(0);
                case "char-lm" -> CharLm.preset("tiny", 100, 64);
                default -> Models.create(new ModelSpec(entry.name(), entry.name().equals("mlp") || entry.name().equals("conv4")
                        ? "" : "tiny", List.of(16), 4), 28, 28);
            };
            assertEquals(accepted, m.featureBlockCount() > 0, entry.name());
            checked.add(entry.name());
        }
        assertFalse(checked.isEmpty());
    }
}

package dev.metascale.engine.model;

import dev.metascale.core.spec.ModelSpec;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA with B = 0 and adapters at initialisation compute the base model exactly; perturbed, they do not. */
class WrappersTest {
    private static final torch.ScalarType F32 = torch.ScalarType.Float;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    private static Model model(String arch) {
        return switch (arch) {
            case "mlp" -> new Mlp(784, List.of(32, 16));
            case "conv4" -> new Conv4(1, 8, 28, 28);
            default -> Models.create(new ModelSpec(arch, "tiny", List.of(), 0), 28, 28);
        };
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    /**
     * Sets every tensor of {@code p} whose name ends with {@code suffix} to small random values (not a
     * constant: a layer norm after the block would cancel a constant shift of every channel).
     */
    private static void perturb(ParamSet p, String suffix) {
        for (int i = 0; i < p.size(); i++) {
            if (p.names().get(i).endsWith(suffix)) {
                p.tensors().get(i).copy_(torch.randn_like(p.tensors().get(i)).mul(new Scalar(0.05)));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp", "conv4", "resnet12", "vit"})
    void loraWithZeroBLeavesTheOutputUnchanged(String arch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Model base = model(arch);
            ParamSet params = base.init(2, 5, F32);
            Lora lora = Lora.wrap(base, params, 2);
            ParamSet factors = lora.initFactors(F32);
            Tensor x = torch.randn(new long[]{4, 1, 28, 28}, new TensorOptions(F32));
            Tensor expected = base.logits(params, x);
            assertEquals(0.0, maxDiff(expected, lora.logits(params.with(factors), x)), 0.0);
            perturb(factors, ".B");
            assertTrue(maxDiff(expected, lora.logits(params.with(factors), x)) > 1e-4, "a nonzero B must change the output");
            assertTrue(lora.forwardFlops(4, 5).isEmpty() == base.forwardFlops(4, 5).isEmpty());
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp", "conv4", "resnet12", "vit"})
    void adaptersAtInitialisationLeaveTheOutputUnchanged(String arch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Model base = model(arch);
            ParamSet params = base.init(3, 5, F32);
            Adapters adapters = new Adapters(base, 4);
            ParamSet extra = adapters.initAdapters(F32);
            assertEquals(base.blocks().size() * 4, extra.size());
            Tensor x = torch.randn(new long[]{4, 1, 28, 28}, new TensorOptions(F32));
            Tensor expected = base.logits(params, x);
            assertEquals(0.0, maxDiff(expected, adapters.logits(params.with(extra), x)), 0.0);
            perturb(extra, ".up.weight");
            assertTrue(maxDiff(expected, adapters.logits(params.with(extra), x)) > 1e-4, "a nonzero up-projection must change the output");
        }
    }
}

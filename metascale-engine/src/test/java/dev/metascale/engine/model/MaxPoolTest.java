package dev.metascale.engine.model;

import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MaxPool} against libtorch's {@code max_pool2d}: the same output and the same first- and second-order
 * gradients bit for bit, also where windows hold ties (where the first maximum must win), on odd map sizes and with
 * ceil mode; and Conv-4's pool-then-ReLU block against the textbook ReLU-then-pool one (ResNet-12's leaky ReLU likewise).
 */
class MaxPoolTest {
    private static final torch.ScalarType F64 = torch.ScalarType.Double;
    private static final long[] TWO = {2, 2};
    private static final long[] ZERO = {0, 0};
    private static final long[] ONE = {1, 1};

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    /** A map with many ties: ReLU of normal values rounded to halves, so windows often hold equal maxima (0 or not). */
    private static Tensor tiedMap(long n, long c, long h, long w) {
        torch.manual_seed(5);
        return torch.relu(torch.randn(new long[]{n, c, h, w}, new TensorOptions(F64)).mul(new Scalar(2.0)).round()
                .div(new Scalar(2.0))).requires_grad_(true);
    }

    private static TensorVector grad(Tensor out, Tensor in, boolean createGraph) {
        return torch.grad(new TensorVector(out), new TensorVector(in), new TensorVector(), new BoolOptional(true), createGraph, false);
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    /** Output, gradient and a Hessian-vector product of {@code sum(w * pool(x)^2)} for one pooling function. */
    private static Tensor[] outputGradientHvp(Function<Tensor, Tensor> pool, Tensor x, Tensor w, Tensor u) {
        Tensor y = pool.apply(x);
        Tensor g = grad(y.pow(new Scalar(2)).mul(w).sum(), x, true).get(0);
        Tensor hvp = grad(g.mul(u).sum(), x, false).get(0);
        return new Tensor[]{y, g, hvp};
    }

    @ParameterizedTest
    @CsvSource({"28, 28, false", "14, 14, false", "7, 7, false", "3, 3, false", "1, 1, true", "5, 6, true"})
    void sameOutputAndGradientsOfEveryOrderAsMaxPool2d(long h, long w, boolean ceil) {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = tiedMap(3, 4, h, w);
            Function<Tensor, Tensor> reference = t -> torch.max_pool2d(t, TWO, TWO, ZERO, ONE, ceil);
            Function<Tensor, Tensor> ours = t -> MaxPool.apply(t, TWO, TWO, ceil);
            Tensor shape = reference.apply(x);
            torch.manual_seed(6);
            Tensor weights = torch.randn(shape.sizes().vec().get(), new TensorOptions(F64));
            Tensor direction = torch.randn(x.sizes().vec().get(), new TensorOptions(F64));
            Tensor[] expected = outputGradientHvp(reference, x, weights, direction);
            Tensor[] actual = outputGradientHvp(ours, x, weights, direction);
            assertEquals(Arrays.toString(expected[0].sizes().vec().get()), Arrays.toString(actual[0].sizes().vec().get()));
            for (int k = 0; k < 3; k++) {
                assertEquals(0.0, maxAbsDiff(expected[k], actual[k]), "output, gradient, Hessian-vector product: " + k);
            }
            assertTrue(expected[1].ne(new Scalar(0.0)).sum().item_long() > 0, "the gradient is not trivially zero");
        }
    }

    @Test
    void conv4PoolThenReluIsTheTextbookBlockWithTheSameGradients() {
        try (PointerScope scope = new PointerScope()) {
            Conv4 model = new Conv4(1, 6, 28, 28);
            ParamSet p = model.init(3, 0, F64); // the body only: every parameter reaches the features
            torch.manual_seed(4);
            Tensor images = torch.randn(new long[]{7, 1, 28, 28}, new TensorOptions(F64));
            Tensor ours = model.features(p, images);
            Tensor textbook = images;
            for (int b = 0; b < 4; b++) {
                TensorOptional none = new TensorOptional();
                Tensor y = torch.conv2d(textbook, p.get("block" + b + ".conv.weight"), none, ONE, ONE, ONE, 1);
                y = torch.batch_norm(y, new TensorOptional(p.get("block" + b + ".bn.weight")),
                        new TensorOptional(p.get("block" + b + ".bn.bias")), none, none, true, 0.1, 1e-5, true);
                textbook = torch.max_pool2d(torch.relu(y), TWO, TWO, ZERO, ONE, false);
            }
            textbook = textbook.reshape(textbook.size(0), -1);
            assertEquals(0.0, maxAbsDiff(ours, textbook));
            // first and second order with respect to every parameter, as MAML differentiates them
            TensorVector g1 = torch.grad(new TensorVector(ours.pow(new Scalar(2)).sum()), p.vector(), new TensorVector(),
                    new BoolOptional(true), true, false);
            TensorVector g2 = torch.grad(new TensorVector(textbook.pow(new Scalar(2)).sum()), p.vector(), new TensorVector(),
                    new BoolOptional(true), true, false);
            Tensor norm1 = torch.zeros(new long[]{}, new TensorOptions(F64));
            Tensor norm2 = torch.zeros(new long[]{}, new TensorOptions(F64));
            for (int i = 0; i < p.size(); i++) {
                assertTrue(maxAbsDiff(g1.get(i), g2.get(i)) <= 1e-12 * (1 + g2.get(i).abs().max().item_double()), p.names().get(i));
                norm1 = norm1.add(g1.get(i).pow(new Scalar(2)).sum());
                norm2 = norm2.add(g2.get(i).pow(new Scalar(2)).sum());
            }
            TensorVector h1 = torch.grad(new TensorVector(norm1), p.vector(), new TensorVector(), new BoolOptional(false), false, false);
            TensorVector h2 = torch.grad(new TensorVector(norm2), p.vector(), new TensorVector(), new BoolOptional(false), false, false);
            for (int i = 0; i < p.size(); i++) {
                assertTrue(maxAbsDiff(h1.get(i), h2.get(i)) <= 1e-10 * (1 + h2.get(i).abs().max().item_double()), p.names().get(i));
            }
        }
    }

    /** ResNet-12's stage ends with pool-then-leaky-ReLU: the same function and gradients as leaky-ReLU-then-pool. */
    @Test
    void poolingCommutesWithLeakyReluIncludingGradients() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = tiedMap(3, 4, 10, 10).detach().sub(new Scalar(0.5)).requires_grad_(true); // ties below and above 0
            Scalar slope = new Scalar(0.1);
            torch.manual_seed(8);
            Tensor weights = torch.randn(new long[]{3, 4, 5, 5}, new TensorOptions(F64));
            Tensor direction = torch.randn(new long[]{3, 4, 10, 10}, new TensorOptions(F64));
            Tensor[] expected = outputGradientHvp(t -> torch.max_pool2d(torch.leaky_relu(t, slope), TWO, TWO, ZERO, ONE, false),
                    x, weights, direction);
            Tensor[] actual = outputGradientHvp(t -> torch.leaky_relu(MaxPool.apply(t, TWO, TWO, false), slope), x, weights, direction);
            for (int k = 0; k < 3; k++) {
                assertTrue(maxAbsDiff(expected[k], actual[k]) <= 1e-15, "output, gradient, Hessian-vector product: " + k);
            }
        }
    }
}

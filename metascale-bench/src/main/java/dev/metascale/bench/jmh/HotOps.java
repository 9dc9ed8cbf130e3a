package dev.metascale.bench.jmh;

import dev.metascale.engine.learn.Losses;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Microbenchmarks of the operations a second-order MAML inner step is made of, on the MLP 784-256-256-5 of
 * the reference benchmark with a 5-way 1-shot support set. Run (never in the test phase):
 * <pre>  java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp 'metascale-bench/target/metascale-bench-0.1.0.jar:metascale-bench/target/lib/*' \
 *     org.openjdk.jmh.Main HotOps</pre>
 * {@code tinyOp} is the bindings' per-call floor (a one-element add: JNI crossing, a Tensor wrapper, the dispatcher);
 * {@code innerStepSub} and {@code innerStepAdd} are the two formulations of θ − α∇L (same bits) (see {@code InnerSgd.differentiableStep}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Xmx1g"})
public class HotOps {
    private static final double INNER_LR = 0.01;

    private Mlp model;
    private ParamSet params;
    private Tensor x;
    private Tensor y;
    private Tensor one;

    @Setup
    public void setup() {
        TorchRuntime.configure(1);
        model = new Mlp(784, List.of(256, 256));
        params = model.init(0, 5, torch.ScalarType.Float);
        x = torch.rand(5, 1, 28, 28);
        x.retainReference();
        y = ArrayTensors.longs(new long[]{0, 1, 2, 3, 4}, 5);
        y.retainReference();
        one = torch.ones(1);
        one.retainReference();
    }

    @Benchmark
    public long tinyOp() {
        try (PointerScope scope = new PointerScope()) {
            return one.add(one).numel();
        }
    }

    @Benchmark
    public int pointerScope() {
        try (PointerScope scope = new PointerScope()) {
            return scope.hashCode();
        }
    }

    @Benchmark
    public int paramSetRebuild() {
        return new ParamSet(params.names(), params.tensors()).size();
    }

    @Benchmark
    public int paramSetWithTensors() {
        return params.withTensors(params.tensors()).size();
    }

    @Benchmark
    public double forwardLoss() {
        try (PointerScope scope = new PointerScope()) {
            return Losses.crossEntropy(model.logits(params, x), y).item_double();
        }
    }

    @Benchmark
    public long gradientCreateGraph() {
        try (PointerScope scope = new PointerScope()) {
            Tensor loss = Losses.crossEntropy(model.logits(params, x), y);
            TensorVector g = torch.grad(new TensorVector(loss), params.vector(), new TensorVector(), new BoolOptional(true), true, false);
            return g.size();
        }
    }

    /** θ − α∇L as {@code sub(g, α)}, then the meta-backward through it: the formulation before issue 8. */
    @Benchmark
    public double innerStepSub() {
        try (PointerScope scope = new PointerScope()) {
            Tensor loss = Losses.crossEntropy(model.logits(params, x), y);
            TensorVector g = torch.grad(new TensorVector(loss), params.vector(), new TensorVector(), new BoolOptional(true), true, false);
            Scalar alpha = new Scalar(INNER_LR);
            List<Tensor> next = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                next.add(params.tensors().get(i).sub(new Tensor(g.get(i)), alpha));
            }
            return metaBackward(params.withTensors(next));
        }
    }

    /** θ.add(∇L, −α), then the meta-backward through it: the formulation of {@code InnerSgd.differentiableStep}. */
    @Benchmark
    public double innerStepAdd() {
        try (PointerScope scope = new PointerScope()) {
            Tensor loss = Losses.crossEntropy(model.logits(params, x), y);
            TensorVector g = torch.grad(new TensorVector(loss), params.vector(), new TensorVector(), new BoolOptional(true), true, false);
            Scalar minusAlpha = new Scalar(-INNER_LR);
            List<Tensor> next = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                next.add(params.tensors().get(i).add(new Tensor(g.get(i)), minusAlpha));
            }
            return metaBackward(params.withTensors(next));
        }
    }

    private double metaBackward(ParamSet fast) {
        Tensor query = Losses.crossEntropy(model.logits(fast, x), y);
        TensorVector g = torch.grad(new TensorVector(query), params.vector(), new TensorVector(), new BoolOptional(false), false, false);
        return g.size();
    }
}

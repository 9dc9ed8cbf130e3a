package dev.metascale.engine.torch;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.ProtoNet;
import dev.metascale.engine.model.Conv4;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conv-4 with a channel count that oneDNN's AVX-512 convolutions mishandle: its float32 meta-gradient must equal the
 * float64 one (which never takes the oneDNN path). Found on an AMD EPYC with AVX-512, where Conv-4 with 8 channels
 * gave NaN gradients at its first ProtoNet step ({@link TorchRuntime#requireExactConvolutions}); on a CPU without
 * the defect this passes with or without the switch.
 */
class ExactConvolutionTest {

    @Test
    void conv4GradientsWithChannelsOffTheOneDnnBlockMatchFloat64() {
        TorchRuntime.configure(1);
        for (int channels : new int[]{8, 12, 24}) {
            Conv4 model = new Conv4(1, channels, 28, 28);
            assertFalse(TorchRuntime.mkldnnEnabled(), "conv4-" + channels + " switches oneDNN's convolutions off");
            for (int trial = 0; trial < 3; trial++) {
                ParamSet p32 = model.init(trial, 0, torch.ScalarType.Float);
                ParamSet p64 = p32.map((name, t) -> t.detach().to(torch.ScalarType.Double).set_requires_grad(true));
                torch.manual_seed(trial);
                Tensor support = torch.rand(new long[]{5, 1, 28, 28});
                Tensor query = torch.rand(new long[]{25, 1, 28, 28});
                Tensor labels = torch.arange(new Scalar(5)).to(torch.ScalarType.Long);
                new ProtoNet(model, p32, 1e-3).accumulateMetaGradient(List.of(episode(support, query, labels)));
                new ProtoNet(model, p64, 1e-3).accumulateMetaGradient(List.of(episode(support.to(torch.ScalarType.Double),
                        query.to(torch.ScalarType.Double), labels)));
                double[] g32 = ParamVectors.grads(p32);
                double[] g64 = ParamVectors.grads(p64);
                for (double g : g32) {
                    assertTrue(Double.isFinite(g), "conv4-" + channels + " trial " + trial + ": a non-finite float32 gradient");
                }
                double error = ParamVectors.relativeError(g32, g64);
                assertTrue(error < 1e-3, "conv4-" + channels + " trial " + trial + ": float32 vs float64 gradient relative error "
                        + error);
            }
        }
    }

    private static Episode episode(Tensor support, Tensor query, Tensor labels) {
        return new Episode(support, labels, query, labels.repeat(new long[]{5}), 5, new long[]{0, 1, 2, 3, 4});
    }
}

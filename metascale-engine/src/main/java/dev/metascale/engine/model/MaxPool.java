package dev.metascale.engine.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Max-pooling over the last two dimensions of an {@code [N, C, H, W]} map, computed as libtorch's
 * {@code max_pool2d} but faster on the CPU: the window maxima are located by the channels-last pooling kernel on
 * a detached copy, and the output is {@code gather} of the input at those positions.
 *
 * <p>Why: libtorch 2.10's channels-first (contiguous) CPU max-pool kernel takes 25 ms on Conv-4's largest map
 * ([75, 64, 28, 28], one thread), 1.3× torch 1.13's; its channels-last kernel takes 1.9 ms. Converting the map to
 * channels-last (4 ms), pooling, and gathering (3 ms) is 10 ms, and {@code gather}'s backward (a scatter-add) costs
 * what the pooling backward does. The positions are the same as {@code max_pool2d_with_indices}' (the first
 * maximum of each window in row-major order), so the output and its gradients — of every order, since the
 * gradient of a gather is a scatter-add and its gradient a gather — are exactly those of {@code max_pool2d}.
 */
public final class MaxPool {
    private static final long[] NO_PAD = {0, 0};
    private static final long[] NO_DILATION = {1, 1};

    private MaxPool() {
    }

    /** {@code max_pool2d(x, kernel, stride, padding 0, dilation 1, ceilMode)} for a 4-d {@code x}. */
    public static Tensor apply(Tensor x, long[] kernel, long[] stride, boolean ceilMode) {
        long n = x.size(0);
        long c = x.size(1);
        Tensor channelsLast = x.detach().contiguous(torch.MemoryFormat.ChannelsLast);
        Tensor positions = torch.max_pool2d_with_indices(channelsLast, kernel, stride, NO_PAD, NO_DILATION, ceilMode).get1();
        long outH = positions.size(2);
        long outW = positions.size(3);
        Tensor flatPositions = positions.reshape(n, c, outH * outW);
        return x.reshape(n, c, -1).gather(2, flatPositions, false).view(n, c, outH, outW);
    }
}

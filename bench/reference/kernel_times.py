"""Single kernels on the tensor shapes of the Conv-4 and MLP MAML iteration, in PyTorch for Python.

The same list as metascale-bench's dev.metascale.bench.KernelTimes, timed one call at a time (best of
--repeats after 5 warm-up calls); bench/run-kernel-comparison sets the two side by side. Prints one JSON line.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=30)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    act = torch.randn(75, 64, 28, 28)
    grad = torch.randn(75, 64, 28, 28)
    out = torch.empty(75, 64, 28, 28)
    block2 = torch.randn(75, 64, 14, 14)
    weight = torch.randn(64, 64, 3, 3)
    gamma, beta = torch.ones(64), torch.zeros(64)
    images, w1 = torch.randn(75, 784), torch.randn(784, 256)
    kernels = {
        "conv2d 64->64 3x3 [75,64,14,14]": lambda: F.conv2d(block2, weight, None, 1, 1),
        "max_pool2d_with_indices 2x2 [75,64,28,28]": lambda: torch.ops.aten.max_pool2d_with_indices(act, [2, 2], [2, 2]),
        # metascale's model/MaxPool: positions from the channels-last kernel, values gathered from the map
        "max-pool via channels-last positions + gather [75,64,28,28]": lambda: act.reshape(75, 64, -1).gather(
            2, torch.ops.aten.max_pool2d_with_indices(act.contiguous(memory_format=torch.channels_last), [2, 2], [2, 2])[1]
            .reshape(75, 64, -1)).view(75, 64, 14, 14),
        "batch_norm train [75,64,28,28]": lambda: torch.batch_norm(act, gamma, beta, None, None, True, 0.1, 1e-5, False),
        "relu [75,64,28,28]": lambda: torch.relu(act),
        "threshold_backward [75,64,28,28]": lambda: torch.ops.aten.threshold_backward(grad, act, 0.0),
        "mul [75,64,28,28]": lambda: act.mul(grad),
        "add alpha [75,64,28,28]": lambda: act.add(grad, alpha=-0.01),
        "fill_ [75,64,28,28]": lambda: out.fill_(0.0),
        "mm [75,784]x[784,256]": lambda: images.mm(w1),
    }
    times = {}
    for name, f in kernels.items():
        best = float("inf")
        for r in range(-5, a.repeats):
            t0 = time.perf_counter()
            f()
            t1 = time.perf_counter()
            if r >= 0:
                best = min(best, t1 - t0)
        times[name] = best
    print(json.dumps({"side": "python", "torch": torch.__version__, "threads": a.threads, "kernels": times}))


if __name__ == "__main__":
    main()

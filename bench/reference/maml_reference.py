#!/usr/bin/python3
"""Second-order MAML meta-iteration in PyTorch for Python: the reference metascale is timed against.

The same computation as metascale's learn/Maml.java (Finn, Abbeel and Levine, ICML 2017, Algorithm 2)
on the same models (model/Mlp.java, model/Conv4.java, model/LinearHead.java):

  per task i (4 per meta-batch), from theta:  k = 5 inner SGD steps on the support cross-entropy
      theta'_i <- theta'_i - alpha * grad(L_support(theta'_i))      (autograd.grad, create_graph=True)
  the query cross-entropy of theta'_i, scaled by 1/B, back-propagated task by task (only one task's
  graph alive at a time, as metascale's TaskChunks with chunk 0), then one Adam step on theta.

Models are functional (weights passed in), with metascale's parameter shapes and initialisers:
  mlp:   784-256-256, linear + ReLU per hidden layer (He-normal weights, zero biases)
  conv4: four blocks [3x3 conv (no bias, padding 1), batch norm with batch statistics, ReLU,
         2x2 max-pool], 64 channels on 1x28x28 (28 -> 14 -> 7 -> 3 -> 1)
  head:  linear featureDim -> ways, uniform in +-1/sqrt(featureDim)

Inputs are random tensors of the episode shapes (timing only; both sides use the same shapes). With --data DIR (the
full-trial mode), each meta-batch's episodes are drawn from Fashion-MNIST's IDX files in DIR (metascale's meta-train
classes, labels 0-4): the indices before the loop, the tensors built inside each timed iteration, in the main thread,
as a learn2learn-style training loop builds them; the output adds the seconds per iteration spent building them.
Prints one JSON line: per-iteration wall seconds of the timed iterations, their median, and the process CPU seconds
per timed iteration (all threads, averaged over the timed iterations; less sensitive to other load).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F


def he_normal(shape, fan_in):
    return torch.randn(shape) * math.sqrt(2.0 / fan_in)


def leaf(t):
    return t.detach().requires_grad_(True)


def head_init(feature_dim, ways):
    bound = 1.0 / math.sqrt(feature_dim)
    w = torch.rand(ways, feature_dim) * (2 * bound) - bound
    b = torch.rand(ways) * (2 * bound) - bound
    return [leaf(w), leaf(b)]


def mlp_init(inputs, hidden, ways):
    params = []
    fan_in = inputs
    for h in hidden:
        params.append(leaf(he_normal((h, fan_in), fan_in)))
        params.append(leaf(torch.zeros(h)))
        fan_in = h
    return params + head_init(fan_in, ways)


def mlp_logits(p, x, hidden_layers):
    h = x.reshape(x.size(0), -1)
    for i in range(hidden_layers):
        h = F.relu(F.linear(h, p[2 * i], p[2 * i + 1]))
    return F.linear(h, p[-2], p[-1])


def conv4_init(in_channels, channels, height, ways):
    params = []
    c_in = in_channels
    for _ in range(4):
        params.append(leaf(he_normal((channels, c_in, 3, 3), c_in * 9)))
        params.append(leaf(torch.ones(channels)))
        params.append(leaf(torch.zeros(channels)))
        c_in = channels
    side = height
    for _ in range(4):
        side //= 2
    return params + head_init(channels * max(side, 1) ** 2, ways)


def conv4_logits(p, x):
    for b in range(4):
        w, gamma, beta = p[3 * b], p[3 * b + 1], p[3 * b + 2]
        x = F.conv2d(x, w, None, 1, 1)
        x = F.batch_norm(x, None, None, gamma, beta, training=True, momentum=0.1, eps=1e-5)
        x = F.relu(x)
        x = F.max_pool2d(x, 2, 2)
    x = x.reshape(x.size(0), -1)
    return F.linear(x, p[-2], p[-1])


def read_idx(path):
    """An IDX file (gzipped or not) as a numpy array: magic 0x0000 0x08 D, D big-endian sizes, then unsigned bytes."""
    import gzip
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class IdxEpisodes:
    """Few-shot episodes of the IDX training set in a directory, from metascale's meta-train classes (labels 0-4)."""

    def __init__(self, directory, ways, shots, queries, seed=0):
        import os
        import numpy as np

        def find(name):
            for candidate in (name, name + ".gz"):
                if os.path.exists(os.path.join(directory, candidate)):
                    return os.path.join(directory, candidate)
            raise SystemExit(f"{name}[.gz] not found in {directory}: install Fashion-MNIST (apt-get install dataset-fashion-mnist)")
        images = read_idx(find("train-images-idx3-ubyte"))
        labels = read_idx(find("train-labels-idx1-ubyte"))
        self.images = torch.from_numpy(images.astype(np.float32) / 255.0)  # in memory as floats, as metascale holds them
        self.by_class = [np.flatnonzero(labels == c) for c in range(5)]
        self.ways, self.shots, self.queries = ways, shots, queries
        self.rng = np.random.default_rng(seed)

    def draw(self):
        """One episode's example indices (support, query), drawn before the timed loop."""
        classes = self.rng.choice(len(self.by_class), self.ways, replace=False)
        picked = [self.rng.choice(self.by_class[c], self.shots + self.queries, replace=False) for c in classes]
        return ([p[:self.shots] for p in picked], [p[self.shots:] for p in picked])

    def build(self, drawn):
        """The episode's tensors (sx, sy, qx, qy): what each timed iteration builds."""
        import numpy as np
        support, query = drawn
        side = self.images.shape[1]
        sx = self.images[torch.from_numpy(np.concatenate(support))].reshape(-1, 1, side, side)
        qx = self.images[torch.from_numpy(np.concatenate(query))].reshape(-1, 1, side, side)
        return (sx, torch.arange(self.ways).repeat_interleave(self.shots),
                qx, torch.arange(self.ways).repeat_interleave(self.queries))


def meta_step(params, logits, tasks, inner_lr, inner_steps, optimizer):
    optimizer.zero_grad(set_to_none=True)
    total = 0.0
    scale = 1.0 / len(tasks)
    for sx, sy, qx, qy in tasks:
        fast = params
        for _ in range(inner_steps):
            loss = F.cross_entropy(logits(fast, sx), sy)
            grads = torch.autograd.grad(loss, fast, create_graph=True)
            fast = [torch.sub(w, g, alpha=inner_lr) for w, g in zip(fast, grads)]
        query = F.cross_entropy(logits(fast, qx), qy).mul(scale)
        query.backward()
        total += query.item()
    optimizer.step()
    return total


def vmap_meta_step(params, logits, tasks, inner_lr, inner_steps, optimizer):
    """The same meta-step with the tasks vectorized by functorch's vmap (torch 1.13; torch.func in 2.x): the inner
    loop of one task written functionally, vmapped over the stacked tasks, the mean query loss back-propagated once."""
    try:
        from torch.func import grad, vmap
    except ImportError:
        from functorch import grad, vmap
    optimizer.zero_grad(set_to_none=True)
    sx = torch.stack([t[0] for t in tasks]); sy = torch.stack([t[1] for t in tasks])
    qx = torch.stack([t[2] for t in tasks]); qy = torch.stack([t[3] for t in tasks])

    def task_query_loss(p, sx, sy, qx, qy):
        fast = list(p)
        for _ in range(inner_steps):
            g = grad(lambda w: F.cross_entropy(logits(w, sx), sy))(fast)
            fast = [w - inner_lr * gi for w, gi in zip(fast, g)]
        return F.cross_entropy(logits(fast, qx), qy)

    losses = vmap(task_query_loss, in_dims=(None, 0, 0, 0, 0))(params, sx, sy, qx, qy)
    loss = losses.mean()
    loss.backward()
    optimizer.step()
    return loss.item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["mlp", "conv4"], required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ways", type=int, default=5)
    ap.add_argument("--shots", type=int, default=1)
    ap.add_argument("--queries", type=int, default=15)
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--inner-steps", type=int, default=5)
    ap.add_argument("--inner-lr", type=float, default=0.01)
    ap.add_argument("--outer-lr", type=float, default=0.001)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--vmap", action="store_true", help="vectorize the tasks with functorch's vmap (the peer of"
                    " metascale's techniques.vectorize_tasks)")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: the meta-step under CPU autocast to bfloat16 (torch.autocast('cpu', torch.bfloat16)),"
                         " the peer of metascale's techniques.precision: bf16")
    ap.add_argument("--data", default=None,
                    help="full-trial mode: draw each meta-batch's episodes from the Fashion-MNIST IDX files in this"
                         " directory and build their tensors inside the timed iteration")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--profile", type=int, default=0,
                    help="after the timed iterations, profile this many with torch's operator profiler and add the"
                         " per-iteration self time of each operator to the output ('ops')")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    side = 28
    if a.model == "mlp":
        hidden = [256, 256]
        params = mlp_init(side * side, hidden, a.ways)
        logits = lambda p, x: mlp_logits(p, x, len(hidden))
    else:
        params = conv4_init(1, a.channels, side, a.ways)
        logits = conv4_logits
    optimizer = torch.optim.Adam(params, lr=a.outer_lr)

    def labels(per_class):
        return torch.arange(a.ways).repeat_interleave(per_class)

    tasks = [(torch.rand(a.ways * a.shots, 1, side, side), labels(a.shots),
              torch.rand(a.ways * a.queries, 1, side, side), labels(a.queries)) for _ in range(a.tasks)]

    episodes = IdxEpisodes(a.data, a.ways, a.shots, a.queries) if a.data else None
    drawn = [[episodes.draw() for _ in range(a.tasks)] for _ in range(a.warmup + a.iterations)] if episodes else None
    times = []
    data_s = 0.0
    for it in range(a.warmup + a.iterations):
        if it == a.warmup:
            cpu_start = time.process_time()
        start = time.perf_counter()
        if episodes:
            tasks = [episodes.build(d) for d in drawn[it]]
            if it >= a.warmup:
                data_s += time.perf_counter() - start
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            loss = (vmap_meta_step if a.vmap else meta_step)(params, logits, tasks, a.inner_lr, a.inner_steps, optimizer)
        elapsed = time.perf_counter() - start
        if not math.isfinite(loss):
            raise SystemExit(f"loss diverged at iteration {it}: {loss}")
        if it >= a.warmup:
            times.append(elapsed)
    cpu_per_iter = (time.process_time() - cpu_start) / a.iterations
    out = {"side": "python", "model": a.model, "threads": a.threads, "vmap": a.vmap, "precision": a.precision,
           "torch": torch.__version__,
           "torch_threads": torch.get_num_threads(), "median_s": statistics.median(times),
           "cpu_s": cpu_per_iter, "iter_s": times}
    if episodes:
        out.update({"data": "fashion-mnist", "data_prefetch": "inline, in the main thread", "data_wait_s": data_s / a.iterations,
                    "data_load_s": data_s / a.iterations})
    if a.profile > 0:
        with torch.autograd.profiler.profile() as prof:
            for _ in range(a.profile):
                meta_step(params, logits, tasks, a.inner_lr, a.inner_steps, optimizer)
        out["ops"] = sorted(({"name": e.key, "calls": e.count / a.profile, "self_s": e.self_cpu_time_total / 1e6 / a.profile}
                             for e in prof.key_averages()), key=lambda o: -o["self_s"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()

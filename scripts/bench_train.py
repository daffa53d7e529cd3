#!/usr/bin/env python3
"""Training-speed benchmark: one epoch of 784-512-256-10, ReLU, Adam,
batch 128, float32 over the 60,000 MNIST training digits, timed for
digitpad's own ``Trainer`` (also with the default augmentation, which
must not double the epoch), for the bare matrix multiplications the epoch
needs (the lower bound for any implementation on this BLAS), and for PyTorch
(CPU) when it is installed. Timings are noisy on shared machines, so the
three are interleaved, repeated, and compared as ratios of medians. A second
table splits digitpad's epoch into the parts of a training step (the batch
gather, forward pass, loss, backward pass and optimiser step), next to the
share of the bare matrix multiplications that falls in each: what is left
over is NumPy's element-wise work and Python.

    python scripts/bench_train.py [--repeats 3] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.data.augment.training import TrainingAugmentation
from digitpad.nn import MLP, Adam, SoftmaxCrossEntropy  # noqa: E402
from digitpad.train.trainer import Trainer  # noqa: E402

HIDDEN = (512, 256)
BATCH = 128


def load_images(data_dir):
    from digitpad.data.mnist import MnistError, as_float_images, load_mnist

    try:
        images, labels = load_mnist("train", data_dir, download=False)
        return as_float_images(images), labels.astype(np.int64), "MNIST"
    except MnistError:
        rng = np.random.default_rng(0)
        return (rng.random((60000, 784), dtype=np.float32), rng.integers(0, 10, 60000),
                "random data (MNIST not found)")


def time_ours(images, labels, seed, augment=None):
    rng = np.random.default_rng(seed)
    model = MLP(784, HIDDEN, 10, "relu", rng=rng)
    optimizer = Adam([parameter.value for parameter in model.parameters()], learning_rate=1e-3)
    trainer = Trainer(model, optimizer, SoftmaxCrossEntropy(), batch_size=BATCH, epochs=1, rng=rng,
                      augment=augment)
    started = time.perf_counter()
    trainer.fit(images, labels)
    return time.perf_counter() - started


def time_matmuls(count):
    """The products of one epoch: 3 forward, 3 weight gradients, 2 input
    gradients (the first layer's input gradient is never needed). Returns
    ``(total, forward part, backward part)`` in seconds."""
    rng = np.random.default_rng(0)
    sizes = (784, *HIDDEN, 10)
    weights = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    activations = [rng.standard_normal((BATCH, size), dtype=np.float32) for size in sizes]
    gradients = [np.empty_like(weight) for weight in weights]
    forward = backward = 0.0
    clock = time.perf_counter
    for _ in range(-(-count // BATCH)):
        started = clock()
        for layer, weight in enumerate(weights):
            np.matmul(activations[layer], weight, out=activations[layer + 1])
        middle = clock()
        for layer in reversed(range(len(weights))):
            np.matmul(activations[layer].T, activations[layer + 1], out=gradients[layer])
            if layer > 0:
                np.matmul(activations[layer + 1], weights[layer].T, out=activations[layer])
        ended = clock()
        forward += middle - started
        backward += ended - middle
    return forward + backward, forward, backward


COMPONENTS = ("gather", "forward", "loss", "backward", "optimizer")


def time_components(images, labels, seed):
    """Seconds per part of one epoch of the step ``Trainer._train_step``
    takes (same model, optimiser and batch order as :func:`time_ours`)."""
    rng = np.random.default_rng(seed)
    model = MLP(784, HIDDEN, 10, "relu", rng=rng).train()
    optimizer = Adam([parameter.value for parameter in model.parameters()], learning_rate=1e-3)
    grads = [parameter.grad for parameter in model.parameters()]
    loss = SoftmaxCrossEntropy()
    order = rng.permutation(len(images))
    totals = dict.fromkeys(COMPONENTS, 0.0)
    clock = time.perf_counter
    for start in range(0, len(images), BATCH):
        times = [clock()]
        indices = order[start:start + BATCH]
        batch, batch_labels = images[indices], labels[indices]
        times.append(clock())
        logits = model.forward(batch)
        times.append(clock())
        loss.forward(logits, batch_labels)
        int(np.count_nonzero(logits.argmax(axis=1) == batch_labels))
        grad_logits = loss.backward()
        times.append(clock())
        model.backward(grad_logits)
        times.append(clock())
        optimizer.step(grads)
        times.append(clock())
        for name, begin, end in zip(COMPONENTS, times, times[1:]):
            totals[name] += end - begin
    return totals


def print_components(components, matmuls):
    """The per-part table: the median and the best over the repeats, with
    the bound's matmuls that fall in each part."""
    print("  where digitpad's epoch goes (median / best s; of which the bound's matmuls):")
    bare = {"forward": [part[1] for part in matmuls], "backward": [part[2] for part in matmuls]}
    for name in [*COMPONENTS, "sum"]:
        times = [sum(run.values()) if name == "sum" else run[name] for run in components]
        line = f"    {name:<10} {statistics.median(times):5.2f} / {min(times):5.2f} s"
        if name in bare:
            line += f"   matmuls {statistics.median(bare[name]):.2f} / {min(bare[name]):.2f} s"
        print(line)
    print("    (the sum leaves out the trainer's own bookkeeping between steps)")


def time_torch(images, labels, seed):
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(os.cpu_count() or 1)
    network = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN[0]), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN[0], HIDDEN[1]), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN[1], 10))
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    image_tensor, label_tensor = torch.from_numpy(images), torch.from_numpy(labels)
    started = time.perf_counter()
    order = torch.randperm(len(images))
    for start in range(0, len(images), BATCH):
        indices = order[start:start + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(network(image_tensor[indices]), label_tensor[indices])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    images, labels, source = load_images(args.data_dir)
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False

    augment = TrainingAugmentation(AugmentConfig())
    results = {"digitpad": [], "digitpad + augment": [], "matmul lower bound": []}
    if have_torch:
        results["PyTorch"] = []
    time_ours(images[:5000], labels[:5000], 99)  # warm-up: BLAS threads, page faults
    if have_torch:
        time_torch(images[:5000], labels[:5000], 99)
    components, matmuls = [], []
    for repeat in range(args.repeats):
        results["digitpad"].append(time_ours(images, labels, repeat))
        results["digitpad + augment"].append(time_ours(images, labels, repeat, augment))
        matmuls.append(time_matmuls(len(images)))
        results["matmul lower bound"].append(matmuls[-1][0])
        if have_torch:
            results["PyTorch"].append(time_torch(images, labels, repeat))
        components.append(time_components(images, labels, repeat))

    print(f"One epoch of 784-{HIDDEN[0]}-{HIDDEN[1]}-10, ReLU, Adam, batch {BATCH}, float32, "
          f"{len(images)} digits ({source}); {os.cpu_count()} CPUs; median of {args.repeats}")
    # Other work on a shared machine only ever adds time, so the best run of
    # each is shown too: of the two ratios, that one moves least with load.
    medians = {name: statistics.median(times) for name, times in results.items()}
    ours, ours_best = medians["digitpad"], min(results["digitpad"])
    for name, median in medians.items():
        runs = ", ".join(f"{value:.2f}" for value in results[name])
        best = min(results[name])
        print(f"  {name:<20} {median:6.2f} s   (runs: {runs})   digitpad / this = {ours / median:.2f}"
              f"   (best runs: {ours_best / best:.2f})")
    if not have_torch:
        print("  PyTorch not installed; `pip install torch==2.13.0` to compare.")
    print_components(components, matmuls)
    return 0


if __name__ == "__main__":
    sys.exit(main())

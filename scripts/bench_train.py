#!/usr/bin/env python3
"""Training-speed benchmark: one epoch of 784-512-256-10, ReLU, Adam,
batch 128, float32 over the 60,000 MNIST training digits, timed for
digitpad's own ``Trainer`` (also with the default augmentation, which
must not double the epoch), for the bare matrix multiplications the epoch
needs (the lower bound for any implementation on this BLAS), and for PyTorch
(CPU) when it is installed. Timings are noisy on shared machines, so the
three are interleaved, repeated, and compared as ratios of medians.

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
    gradients (the first layer's input gradient is never needed)."""
    rng = np.random.default_rng(0)
    sizes = (784, *HIDDEN, 10)
    weights = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    activations = [rng.standard_normal((BATCH, size), dtype=np.float32) for size in sizes]
    gradients = [np.empty_like(weight) for weight in weights]
    started = time.perf_counter()
    for _ in range(-(-count // BATCH)):
        for layer, weight in enumerate(weights):
            np.matmul(activations[layer], weight, out=activations[layer + 1])
        for layer in reversed(range(len(weights))):
            np.matmul(activations[layer].T, activations[layer + 1], out=gradients[layer])
            if layer > 0:
                np.matmul(activations[layer + 1], weights[layer].T, out=activations[layer])
    return time.perf_counter() - started


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
    for repeat in range(args.repeats):
        results["digitpad"].append(time_ours(images, labels, repeat))
        results["digitpad + augment"].append(time_ours(images, labels, repeat, augment))
        results["matmul lower bound"].append(time_matmuls(len(images)))
        if have_torch:
            results["PyTorch"].append(time_torch(images, labels, repeat))

    print(f"One epoch of 784-{HIDDEN[0]}-{HIDDEN[1]}-10, ReLU, Adam, batch {BATCH}, float32, "
          f"{len(images)} digits ({source}); {os.cpu_count()} CPUs; median of {args.repeats}")
    medians = {name: statistics.median(times) for name, times in results.items()}
    ours = medians["digitpad"]
    for name, median in medians.items():
        runs = ", ".join(f"{value:.2f}" for value in results[name])
        print(f"  {name:<20} {median:6.2f} s   (runs: {runs})   digitpad / this = {ours / median:.2f}")
    if not have_torch:
        print("  PyTorch not installed; `pip install torch==2.13.0` to compare.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

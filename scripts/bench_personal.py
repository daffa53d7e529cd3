#!/usr/bin/env python3
"""Figures for instant personal learning (digitpad.model.personal): the time
to teach one label and the predict_proba latency for one drawing with 100,
1,000 and 5,000 personal samples (MNIST training digits stand in for them),
and, with --writers, the synthetic odd writers of tests/model/odd_writers.py
(writers the bundled model reads badly) read through the canvas path before
and after teaching K of each digit, for each personaliser, with the MNIST
test accuracy of each writer's personalised model. Prints figures; it is not
a test. Needs MNIST (DIGITPAD_MNIST_DIR or the usual search, no download).

    python scripts/bench_personal.py [CHECKPOINT] [--writers] [--teach 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.data.mnist import as_float_images, load_mnist  # noqa: E402
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint  # noqa: E402
from digitpad.model.personal import PersonalLayer  # noqa: E402
from digitpad.train import personalise  # noqa: E402

SIZES = (100, 1000, 5000)


def timings(model, anchors, train) -> None:
    images, labels = train
    probe = images[-1:]
    print("personal samples   teach one label (median)   predict_proba, 1 drawing (median)   effects()")
    for size in SIZES:
        layer = PersonalLayer(model, anchors)
        layer.teach_many(images[:size - 20], labels[:size - 20])
        teach = []
        for index in range(size - 20, size):
            started = time.perf_counter()
            layer.teach(images[index], labels[index])
            teach.append(time.perf_counter() - started)
        predict = []
        for _ in range(200):
            started = time.perf_counter()
            layer.predict_proba(probe)
            predict.append(time.perf_counter() - started)
        started = time.perf_counter()
        layer.effects()
        effects = time.perf_counter() - started
        print(f"{size:>16,}   {np.median(teach) * 1000:>19.2f} ms   {np.median(predict) * 1000:>28.2f} ms"
              f"   {effects:>8.2f} s")
    plain = []
    for _ in range(200):
        started = time.perf_counter()
        model.predict_proba(probe)
        plain.append(time.perf_counter() - started)
    print(f"(the network alone: {np.median(plain) * 1000:.2f} ms)")


def writers(model, k: int, seed: int, test) -> None:
    from digitpad.train.writers import evaluate_writers, replay_conditions
    from tests.model.odd_writers import odd_writers

    digits = odd_writers(8, seed)
    report, drawn = evaluate_writers(model, digits, replay_conditions())
    print(f"\nOdd writers: {len(digits)} digits, read by the plain model {report.pooled * 100:.2f}%")
    for name in ("nearest-mean", "instant"):
        teaching = personalise.simulate_teaching(model, digits, drawn, k,
                                                 lambda: personalise.PERSONALISERS[name](model), seed=seed)
        print(f"\n{name}: teaching {k} of each digit; errors on the untaught digits before -> after")
        print(f"  {'pooled':<12}{(1 - teaching.before) * 100:6.2f}% -> {(1 - teaching.after) * 100:6.2f}%")
        for writer, (before, after) in sorted(teaching.by_writer.items(), key=lambda item: item[1][0]):
            print(f"  {writer:<12}{(1 - before) * 100:6.2f}% -> {(1 - after) * 100:6.2f}%")
    mnist_accuracy(model, digits, drawn, k, seed, test)


def mnist_accuracy(model, digits, drawn, k: int, seed: int, test) -> None:
    """Each writer's taught digits (every condition) in an instant layer;
    its MNIST test accuracy against the plain network's."""
    taught = personalise.choose_taught(digits, k, np.random.default_rng(seed))
    labels = np.array([digit.label for digit in digits])
    names = np.array([digit.writer for digit in digits])
    print("\nMNIST test accuracy (10,000 digits), instant personalised vs plain:")
    for writer in dict.fromkeys(names):
        chosen = np.flatnonzero((names == writer) & taught)
        layer = personalise.InstantPersonaliser(model).layer
        for replayed in drawn:
            layer.teach_many(replayed.images[chosen].reshape(len(chosen), -1), labels[chosen])
        personal, network, changed = layer.mnist_accuracy(*test)
        print(f"  {writer:<12}{personal * 100:6.2f}% vs {network * 100:6.2f}% "
              f"({len(layer)} samples, {changed} readings changed)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, nargs="?", default=bundled_checkpoint_path())
    parser.add_argument("--writers", action="store_true", help="also the odd writers before and after")
    parser.add_argument("--teach", type=int, default=3, metavar="K")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    model, _ = load_checkpoint(args.checkpoint)
    anchors = personalise.mnist_anchors()
    if anchors is None:
        print("error: MNIST not found (set DIGITPAD_MNIST_DIR)", file=sys.stderr)
        return 1
    images, labels = load_mnist("train", download=False)
    extra = slice(personalise.ANCHORS, personalise.ANCHORS + max(SIZES))
    train = as_float_images(images[extra]).reshape(-1, 784), labels[extra].astype(np.int64)
    timings(model, anchors, train)
    if args.writers:
        test_images, test_labels = load_mnist("test", download=False)
        writers(model, args.teach, args.seed,
                (as_float_images(test_images).reshape(-1, 784), test_labels.astype(np.int64)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What looking inside costs: one epoch over the 60,000 MNIST training
digits (no augmentation, which would only hide the cost), timed with and
without the ``Diagnostics`` callback at the default interval, for the
networks of the presets 'scratch' (784-16-16-10, batch 64), 'fast'
(784-512-256-10) and 'bundled' (784-1024-1024-10, batch 128). Two numbers per
network: the time spent inside the callback's hooks over the epoch's time
(direct, steady even on a busy machine), and the ratio of the median epoch
times with and without it (end to end, noisier). The budget is 5%.

    python scripts/bench_diagnostics.py [--repeats 3] [--every 50] [--networks scratch fast bundled]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.nn import MLP, Adam, SoftmaxCrossEntropy  # noqa: E402
from digitpad.train.config import PRESETS, TrainConfig  # noqa: E402
from digitpad.train.diagnostics import Diagnostics, probe_images  # noqa: E402
from digitpad.train.trainer import Trainer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_train import load_images  # noqa: E402  the same digits (or stand-ins) as the epoch benchmark

BUDGET = 0.05


class TimedDiagnostics(Diagnostics):
    """Diagnostics that add up the time spent in their own hooks."""

    seconds = 0.0

    def on_batch_begin(self, trainer, batch) -> None:
        started = time.perf_counter()
        super().on_batch_begin(trainer, batch)
        self.seconds += time.perf_counter() - started

    def on_batch_end(self, trainer, batch, logs) -> None:
        started = time.perf_counter()
        super().on_batch_end(trainer, batch, logs)
        self.seconds += time.perf_counter() - started


def epoch_seconds(preset: str, images, labels, every: int | None) -> tuple[float, float, int]:
    """(epoch time, time inside the diagnostics, records taken); ``every``
    None trains without diagnostics."""
    config = TrainConfig(**PRESETS[preset].settings)
    rng = np.random.default_rng(0)
    model = MLP(784, config.hidden_sizes, 10, config.activation, rng=rng)
    optimizer = Adam([parameter.value for parameter in model.parameters()], learning_rate=config.learning_rate)
    callbacks = [] if every is None else [TimedDiagnostics(probe_images(images, 0), every)]
    trainer = Trainer(model, optimizer, SoftmaxCrossEntropy(), batch_size=config.batch_size, epochs=1,
                      rng=rng, callbacks=callbacks)
    started = time.perf_counter()
    trainer.fit(images, labels)
    elapsed = time.perf_counter() - started
    if not callbacks:
        return elapsed, 0.0, 0
    return elapsed, callbacks[0].seconds, len(callbacks[0].records)


def bench(preset: str, images, labels, every: int, repeats: int) -> dict:
    plain, watched, inside, records = [], [], [], 0
    for _ in range(repeats):         # interleaved, so load changes hit both alike
        plain.append(epoch_seconds(preset, images, labels, None)[0])
        seconds, spent, records = epoch_seconds(preset, images, labels, every)
        watched.append(seconds)
        inside.append(spent / seconds)
    return {"plain": statistics.median(plain), "watched": statistics.median(watched),
            "direct": statistics.median(inside), "records": records}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--every", type=int, default=TrainConfig().diagnostics_every,
                        help="batches between two records (default: the setting's default)")
    parser.add_argument("--networks", nargs="+", default=["scratch", "fast", "bundled"],
                        choices=["scratch", "fast", "bundled"])
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    images, labels, source = load_images(args.data_dir)
    print(f"one epoch of {len(images):,} digits ({source}), a record every {args.every} batches "
          f"and at the epoch's end, median of {args.repeats}")
    worst = 0.0
    for preset in args.networks:
        result = bench(preset, images, labels, args.every, args.repeats)
        end_to_end = result["watched"] / result["plain"] - 1
        worst = max(worst, result["direct"])
        print(f"{preset:8s} epoch {result['plain']:6.2f} s, with diagnostics {result['watched']:6.2f} s "
              f"({result['records']} records): inside the callback {result['direct'] * 100:4.1f}% "
              f"of the epoch, end to end {end_to_end * 100:+5.1f}%")
    print(f"{'within' if worst <= BUDGET else 'OVER'} the {BUDGET:.0%} budget (direct measure)")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Figures for Model → Adapt to my handwriting (``digitpad.train.adapt``) on
the synthetic odd writers of ``tests/model/odd_writers.py``: for each
writer, ``--samples`` of every digit (100 by default) are drawn through the
canvas path and given to ``adapt_to_handwriting`` exactly as the app does
(so it holds back its own share), and a separate set of that writer's other
digits (``--measure`` of each) is read through the canvas path, in every
replay condition, by the model before and after. Prints, per writer and
pooled, the errors on those other digits before and after, the MNIST test
accuracy (10,000 digits) before and after, and the seconds Adapt took — the
fine-tuning itself and the whole call, measuring included — as medians
over writers and ``--repeats`` (each repeat with the next seed). Prints
figures; it is not a test. Needs MNIST (``--data-dir``, DIGITPAD_MNIST_DIR
or the usual search; never downloaded).

    python scripts/bench_adapt.py [CHECKPOINT] [--data-dir DIR] [--repeats 1] [--seed 0]
        [--writers slanted,wide] [--set epochs=2 --set mnist_digits=5000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.data.mnist import MnistError, as_float_images, load_mnist  # noqa: E402
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint  # noqa: E402
from digitpad.train.adapt import AdaptConfig, adapt_to_handwriting  # noqa: E402
from digitpad.train.writers import readings, replay, replay_conditions  # noqa: E402
from tests.model.odd_writers import ODD_WRITERS, odd_writers  # noqa: E402

# The measuring set is drawn with another seed, so its digits are new ones.
MEASURE_SEED_OFFSET = 1000


def teaching_samples(writer: str, per_digit: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_digit`` of each digit by ``writer`` as the app would store them,
    ``(N, 784)`` float32 and ``(N,)`` labels: each drawn at one of the replay
    conditions in turn (the user draws big and small), digits the canvas
    would not read left out."""
    digits = odd_writers(per_digit, seed, (writer,))
    drawn = [replay(digits, condition) for condition in replay_conditions()]
    images, labels = [], []
    for index, digit in enumerate(digits):
        replayed = drawn[index % len(drawn)]
        if not replayed.unread[index]:
            images.append(replayed.images[index].reshape(-1))
            labels.append(digit.label)
    return np.stack(images).astype(np.float32), np.array(labels, np.int64)


def errors(predictor, digits, drawn) -> int:
    """Digits of ``digits`` the canvas path misreads, summed over the conditions of ``drawn``."""
    labels = [str(digit.label) for digit in digits]
    return sum(text != label for replayed in drawn for text, label in zip(readings(predictor, digits, replayed),
                                                                            labels))


def overridden(settings: list[str]) -> AdaptConfig:
    """``AdaptConfig`` with ``name=value`` settings from ``--set``."""
    config = AdaptConfig()
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in {item.name for item in dataclasses.fields(config)} or name == "seed":
            raise ValueError(f"no AdaptConfig setting {name!r} to change")
        config = dataclasses.replace(config, **{name: type(getattr(config, name))(value)})
    return config


def load_splits(data_dir: Path | None):
    return [(as_float_images(images), labels.astype(np.int64))
            for images, labels in (load_mnist(split, data_dir, download=False) for split in ("train", "test"))]


def bench_writer(model, writer: str, args, config: AdaptConfig, mnist_train, mnist_test) -> dict:
    """One writer's figures: digits measured, errors before and after (mean
    over the repeats), MNIST test before and after, and the seconds of each run."""
    images, labels = teaching_samples(writer, args.samples, args.seed)
    digits = odd_writers(args.measure, args.seed + MEASURE_SEED_OFFSET, (writer,))
    drawn = [replay(digits, condition) for condition in replay_conditions()]
    row = {"samples": len(labels), "measured": len(digits) * len(drawn), "before": errors(model, digits, drawn),
           "after": [], "mnist_after": [], "fine_tune": [], "whole": []}
    for repeat in range(args.repeats):
        started = time.perf_counter()
        result = adapt_to_handwriting(model, images, labels, mnist_train, mnist_test,
                                      dataclasses.replace(config, seed=args.seed + repeat))
        row["whole"].append(time.perf_counter() - started)
        row["fine_tune"].append(result.seconds)
        row["mnist_before"] = result.before["mnist_test"]
        row["mnist_after"].append(result.after["mnist_test"])
        row["after"].append(errors(result.model, digits, drawn))
    return row


def print_row(name: str, samples, measured: int, before: int, after: list, mnist_before: float,
              mnist_after: list, fine_tune: list, whole: list) -> None:
    print(f"{name:<12}{samples:>8}{measured:>9}{before:>15}{np.mean(after):>8.1f}{mnist_before * 100:>13.2f}%"
          f"{np.mean(mnist_after) * 100:>7.2f}%{np.median(fine_tune):>13.2f}{np.median(whole):>9.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, nargs="?", default=bundled_checkpoint_path())
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--samples", type=int, default=10, help="teaching samples per digit")
    parser.add_argument("--measure", type=int, default=20, help="other digits per digit to measure on")
    parser.add_argument("--writers", default=",".join(ODD_WRITERS))
    parser.add_argument("--repeats", type=int, default=1, help="Adapt runs per writer, seeds counting up")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="an AdaptConfig setting to change (the seed comes from --seed)")
    args = parser.parse_args()
    try:
        config = overridden(args.set)
    except ValueError as error:
        parser.error(str(error))
    model, _ = load_checkpoint(args.checkpoint)
    try:
        mnist_train, mnist_test = load_splits(args.data_dir)
    except MnistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{config}\nload average (1 min) before: {os.getloadavg()[0]:.2f}; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"{'writer':<12}{'samples':>8}{'measured':>9}{'errors before':>15}{'after':>8}"
          f"{'MNIST before':>14}{'after':>8}{'fine-tune s':>13}{'whole s':>9}")
    rows = {writer: bench_writer(model, writer, args, config, mnist_train, mnist_test)
            for writer in args.writers.split(",")}
    for writer, row in rows.items():
        print_row(writer, **row)
    pooled = {key: sum(row[key] for row in rows.values()) for key in ("measured", "before")}
    pooled["after"] = [sum(np.mean(row["after"]) for row in rows.values())]
    for key in ("mnist_after", "fine_tune", "whole"):
        pooled[key] = [value for row in rows.values() for value in row[key]]
    print_row("pooled", "", mnist_before=next(iter(rows.values()))["mnist_before"], **pooled)
    measured, before, after = pooled["measured"], pooled["before"], pooled["after"][0]
    print(f"errors on the other digits: {before / measured * 100:.2f}% -> {after / measured * 100:.2f}% "
          f"({(1 - after / max(before, 1)) * 100:.0f}% of them fixed); lowest MNIST test after "
          f"{min(pooled['mnist_after']) * 100:.2f}%; Adapt median {np.median(pooled['fine_tune']):.2f} s "
          f"fine-tuning, {np.median(pooled['whole']):.2f} s in all ({len(pooled['whole'])} runs)")
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

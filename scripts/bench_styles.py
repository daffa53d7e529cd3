#!/usr/bin/env python3
"""Accuracy on the writing styles MNIST under-represents, for one or more
checkpoints side by side. Two kinds of test digit, none ever trained on:

* MNIST *test* digits rewritten in each synthetic style the trainer knows
  (``digitpad.data.augment.styles``: slashed 0, continental 1 with a long
  flag, one-stroke round 4, crossed 7, curled 9), drawn as a slowly
  sampled pen (``slow_sampling.angular``), and redrawn with the thick pen of
  a digit written small (skeleton redrawn at a 2.5 px radius);
* the pen templates of those styles (``STYLE_VARIANTS``: continental 1 and
  7, open 4, looped 2) written through the canvas renderer with random
  size, slant, wobble and pen — shapes the training never synthesised.

The same seed gives the same digits for every checkpoint.

    python scripts/bench_styles.py [CHECKPOINT ...] [--data-dir DIR] [--per-style 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.data.augment.slow_sampling import angular  # noqa: E402
from digitpad.data.augment.styles import STYLE_CHANGES, STYLE_NAMES  # noqa: E402
from digitpad.data.ink.digit_templates import STYLE_VARIANTS, random_ink, style_label  # noqa: E402
from digitpad.data.ink.network_input import prepare_for_network  # noqa: E402
from digitpad.data.ink.skeleton import distance_to_skeleton, redraw  # noqa: E402
from digitpad.data.mnist import MnistError, as_float_images, load_mnist  # noqa: E402
from digitpad.model.checkpoint import CheckpointError, bundled_checkpoint_path, load_checkpoint  # noqa: E402

THICK_PEN_RADIUS = 2.5      # a digit drawn about 60 px tall with the app's 22 px pen


def styled_test_digits(images: np.ndarray, labels: np.ndarray, per_style: int,
                       rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Name -> ``(images (K, 784), labels (K,))`` of MNIST test digits rewritten in each style."""
    squares = as_float_images(images).reshape(-1, 28, 28)
    sets = {}
    for digit, change in STYLE_CHANGES.items():
        chosen = rng.choice(np.flatnonzero(labels == digit), per_style, replace=False)
        name = STYLE_NAMES[digit]
        sets[name] = (np.stack([change(squares[index], rng).reshape(-1) for index in chosen]),
                      np.full(per_style, digit))
    chosen = rng.choice(len(labels), per_style, replace=False)
    sets["slowly sampled pen (all digits)"] = (angular(squares[chosen], rng).reshape(per_style, -1),
                                               labels[chosen])
    chosen = rng.choice(len(labels), per_style, replace=False)
    thick = redraw(distance_to_skeleton(squares[chosen]).astype(np.float32), THICK_PEN_RADIUS)
    sets["thick pen of a small digit (all digits)"] = (thick.reshape(per_style, -1), labels[chosen])
    return sets


def template_digits(per_style: int, rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {f"template: {style}": (np.stack([prepare_for_network(random_ink(style, rng)).reshape(-1)
                                             for _ in range(per_style)]),
                                   np.full(per_style, style_label(style)))
            for style in STYLE_VARIANTS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", type=Path, nargs="*")
    parser.add_argument("--data-dir", type=Path, help="MNIST folder (else the usual search)")
    parser.add_argument("--per-style", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    checkpoints = args.checkpoints or [bundled_checkpoint_path()]
    try:
        models = [load_checkpoint(path)[0] for path in checkpoints]
        images, labels = load_mnist("test", args.data_dir, download=False)
    except (CheckpointError, MnistError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rng = np.random.default_rng(args.seed)
    sets = {**styled_test_digits(images, labels.astype(np.int64), args.per_style, rng),
            **template_digits(max(1, args.per_style // 5), rng)}
    sets["plain MNIST test"] = (as_float_images(images), labels.astype(np.int64))
    width = max(len(name) for name in sets)
    print(f"{'':{width}}  " + "  ".join(f"{path.name[-24:]:>24}" for path in checkpoints))
    for name, (set_images, set_labels) in sets.items():
        scores = [float((model.predict(set_images) == set_labels).mean()) for model in models]
        print(f"{name:{width}}  " + "  ".join(f"{score:>23.2%} " for score in scores)
              + f"  ({len(set_labels):,} digits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What "Adapt to my handwriting" does for an unusual writer. Digits in
styles MNIST rarely has (continental 1 and 7, open 4, looped 2 — see
``STYLE_VARIANTS``) are written through the canvas renderer with random
size, slant, wobble and pen; some are used as the writer's labelled samples,
the others are fresh digits of the same styles. Prints accuracy per style
before and after adapting, and MNIST test accuracy before and after.

    python scripts/adapt_styles.py [CHECKPOINT] [--data-dir DIR] [--taught 20] [--fresh 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.data.ink.digit_templates import STYLE_VARIANTS, random_ink
from digitpad.data.ink.network_input import prepare_for_network
from digitpad.data.mnist import as_float_images, load_mnist
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.train.adapt import AdaptConfig, adapt_to_handwriting  # noqa: E402


def written(style: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` renderings of ``style`` as network inputs, ``(count, 784)``."""
    images = [prepare_for_network(random_ink(style, rng, pen_fraction=(0.04, 0.12), height=(120, 380)))
              for _ in range(count)]
    return np.stack(images).reshape(count, -1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, nargs="?")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--taught", type=int, default=20, help="labelled samples per style")
    parser.add_argument("--fresh", type=int, default=30, help="new digits per style to measure on")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model, _ = load_checkpoint(args.checkpoint or bundled_checkpoint_path())
    rng = np.random.default_rng(args.seed)
    taught_images, taught_labels, fresh = [], [], {}
    for style, (digit, _) in STYLE_VARIANTS.items():
        taught_images.append(written(style, args.taught, rng))
        taught_labels += [digit] * args.taught
        fresh[style] = (written(style, args.fresh, rng), digit)
    (train_images, train_labels), (test_images, test_labels) = [
        (as_float_images(images), labels.astype(np.int64))
        for images, labels in (load_mnist(split, args.data_dir) for split in ("train", "test"))]
    started = time.perf_counter()
    result = adapt_to_handwriting(model, np.concatenate(taught_images), np.array(taught_labels),
                                  (train_images, train_labels), (test_images, test_labels), AdaptConfig())
    seconds = time.perf_counter() - started
    print(f"Adapted on {result.train_count} samples ({result.holdout_count} held back) in {seconds:.0f} s")
    print(f"{'style':<16}{'before':>9}{'after':>9}   (fresh digits, {args.fresh} per style)")
    for style, (images, digit) in fresh.items():
        before = (model.predict(images) == digit).mean()
        after = (result.model.predict(images) == digit).mean()
        print(f"{style:<16}{before * 100:8.1f}%{after * 100:8.1f}%")
    print(f"{'held back':<16}{result.before['personal_holdout'] * 100:8.1f}%"
          f"{result.after['personal_holdout'] * 100:8.1f}%")
    print(f"{'MNIST test':<16}{result.before['mnist_test'] * 100:8.2f}%{result.after['mnist_test'] * 100:8.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())

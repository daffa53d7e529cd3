"""Time ``digitpad.data.augment.augment_batch`` over one epoch's worth of MNIST
images (60000) at batch sizes 128 and 256 and print seconds per epoch and
microseconds per image, for the default config and with thickness variation
switched on. Each figure is the best of several epochs (the median is shown
too: timings on shared virtual machines are noisy). Uses the real MNIST
training images when ``$DIGITPAD_MNIST_DIR`` (default ``../shared/mnist``
next to the checkout) has them, random speckle otherwise; the timing hardly
depends on the content.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitpad.data.augment.distortions import AugmentConfig, augment_batch
from digitpad.data.mnist import as_float_images

EPOCH_IMAGES = 60000
BATCH_SIZES = (128, 256)
REPEATS = 5


def load_images() -> np.ndarray:
    """``(60000, 28, 28)`` float32 in [0, 1]."""
    default_folder = Path(__file__).resolve().parents[2] / "shared" / "mnist"
    path = Path(os.environ.get("DIGITPAD_MNIST_DIR", default_folder)) / "train-images-idx3-ubyte.gz"
    if path.exists():
        with gzip.open(path) as stream:
            pixels = np.frombuffer(stream.read(), np.uint8, offset=16)
        return as_float_images(pixels.reshape(-1, 28, 28)[:EPOCH_IMAGES]).reshape(-1, 28, 28)
    print(f"{path} not found; timing on random images")
    rng = np.random.default_rng(0)
    return (rng.random((EPOCH_IMAGES, 28, 28), dtype=np.float32) > 0.8).astype(np.float32)


def epoch_seconds(images: np.ndarray, batch_size: int, config: AugmentConfig) -> list[float]:
    """``REPEATS`` wall-clock times to augment every image once, in batches."""
    times = []
    for repeat in range(REPEATS):
        rng = np.random.default_rng(repeat)
        start = time.perf_counter()
        for first in range(0, len(images), batch_size):
            augment_batch(images[first:first + batch_size], rng, config)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    images = load_images()
    configs = {
        "default": AugmentConfig(),
        "default + thickness 0.5": AugmentConfig(thickness=0.5),
    }
    augment_batch(images[:256], np.random.default_rng(0))  # warm caches and allocator
    print(f"default config: {AugmentConfig()}")
    for name, config in configs.items():
        for batch_size in BATCH_SIZES:
            times = epoch_seconds(images, batch_size, config)
            best, median = min(times), float(np.median(times))
            print(f"{name:24s} batch {batch_size:3d}: {best:.3f} s per {len(images)} images "
                  f"(median {median:.3f} s), {best / len(images) * 1e6:.2f} us per image")


if __name__ == "__main__":
    main()

"""MNIST at a glance, in numbers: how many digits of each kind a split
holds, the average picture of each digit, how bright its pixels are (a
histogram of the 256 ink levels), and random samples to look at. Plain
NumPy on the ``(N, 28, 28)`` uint8 images and ``(N,)`` labels that
``load_mnist`` returns, so the app, the scripts and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.data.mnist.files import IMAGE_SHAPE, LABEL_COUNT

LEVELS = 256            # ink levels of an MNIST pixel: 0 (black) to 255 (full ink)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SplitSummary:
    """One split of MNIST ("train" or "test") summed up."""

    name: str
    counts: np.ndarray          # (10,) int64: digits of each kind
    mean_images: np.ndarray     # (10, 28, 28) float32 in [0, 1]: the average of each kind
    histogram: np.ndarray       # (256,) int64: pixels at each ink level

    @property
    def size(self) -> int:
        return int(self.counts.sum())

    @property
    def pixels(self) -> int:
        return int(self.histogram.sum())

    @property
    def blank_share(self) -> float:
        """The share of all pixels that are exactly 0: untouched background."""
        return float(self.histogram[0] / self.pixels) if self.pixels else 0.0

    @property
    def full_share(self) -> float:
        """The share of the inked (non-zero) pixels at 250 or more: solid ink."""
        inked = self.pixels - int(self.histogram[0])
        return float(self.histogram[250:].sum() / inked) if inked else 0.0


def class_counts(labels: np.ndarray, classes: int = LABEL_COUNT) -> np.ndarray:
    """``(classes,)`` int64: how many of ``labels`` are 0, 1, …"""
    return np.bincount(np.asarray(labels, np.int64), minlength=classes)[:classes].astype(np.int64)


def mean_images(images: np.ndarray, labels: np.ndarray, classes: int = LABEL_COUNT) -> np.ndarray:
    """``(classes, 28, 28)`` float32 in [0, 1]: the pixel-by-pixel average of
    the images of each label (zeros for a label with none)."""
    images = np.asarray(images)
    labels = np.asarray(labels, np.int64)
    means = np.zeros((classes,) + images.shape[1:], np.float32)
    for digit in range(classes):
        chosen = images[labels == digit]
        if len(chosen):
            # Summed in integers: exact, and no float copy of 60,000 images.
            means[digit] = chosen.sum(axis=0, dtype=np.int64) / (len(chosen) * 255.0)
    return means


def intensity_histogram(images: np.ndarray) -> np.ndarray:
    """``(256,)`` int64: how many pixels of ``images`` (uint8) have each ink level."""
    flat = np.asarray(images, np.uint8).reshape(-1)
    histogram = np.zeros(LEVELS, np.int64)
    # In chunks: bincount widens its input to 64-bit integers first, which
    # for all 47 million training pixels would be a 376 MB copy.
    for start in range(0, len(flat), _CHUNK):
        histogram += np.bincount(flat[start:start + _CHUNK], minlength=LEVELS)
    return histogram


def summarise_split(name: str, images: np.ndarray, labels: np.ndarray) -> SplitSummary:
    """The summary of one split: ``images`` ``(N, 28, 28)`` uint8, ``labels`` ``(N,)``."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE or images.dtype != np.uint8:
        raise ValueError(f"expected (N, 28, 28) uint8 images, got {images.shape} {images.dtype}")
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    return SplitSummary(name, class_counts(labels), mean_images(images, labels), intensity_histogram(images))


def binned(histogram: np.ndarray, width: int, skip_blank: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The histogram in bins of ``width`` levels: ``(starts, counts)``. With
    ``skip_blank`` level 0 is left out — background, four pixels in five,
    which would dwarf every other bar — and the first bin starts at 1."""
    first = 1 if skip_blank else 0
    levels = np.asarray(histogram, np.int64)[first:]
    starts = np.arange(first, LEVELS, width)
    counts = np.add.reduceat(levels, np.arange(0, len(levels), width))
    return starts, counts


def random_samples(labels: np.ndarray, count: int, rng: np.random.Generator,
                   digit: int | None = None) -> np.ndarray:
    """Indices of ``count`` different samples chosen at random (of ``digit``
    only, when given), in the order drawn."""
    pool = np.arange(len(labels)) if digit is None else np.flatnonzero(np.asarray(labels) == digit)
    return rng.choice(pool, size=min(count, len(pool)), replace=False)

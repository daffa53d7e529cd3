"""Seeded, stratified train/validation split of the MNIST training set: the
validation digits keep the class proportions of the whole set, and the same
seed always gives the same split. It is drawn with NumPy alone, so training
from source and the standalone app (which leaves scikit-learn out for size)
split alike; the tests check it against scikit-learn's ``train_test_split``.
"""

from __future__ import annotations

import numpy as np


def stratified_split(labels: np.ndarray, validation_size: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return sorted ``(train_indices, validation_indices)`` into ``labels``,
    with ``validation_size`` digits held out in the proportions of the classes.

    Each class gives ``floor(share)`` or ``ceil(share)`` digits, its exact
    share being ``count * validation_size / len(labels)``; the digits of a
    class are drawn from a generator seeded with ``seed``.
    """
    labels = np.asarray(labels)
    if not 0 < validation_size < len(labels):
        raise ValueError(f"validation size must be between 1 and {len(labels) - 1}, got {validation_size}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    take = _proportional_counts(counts, validation_size)
    chosen = [rng.permutation(np.flatnonzero(labels == value))[:amount]
              for value, amount in zip(classes, take)]
    validation = np.sort(np.concatenate(chosen))
    train = np.setdiff1d(np.arange(len(labels)), validation, assume_unique=True)
    return train, validation


def _proportional_counts(counts: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` over classes of ``counts`` digits in proportion.

    Largest-remainder allocation: every class gets the floor of its exact
    share, and the digits still missing go to the largest fractional parts
    (ties to the earlier class), so the counts sum to ``total`` exactly.
    """
    exact = counts * total / counts.sum()
    take = np.floor(exact).astype(int)
    shortfall = total - take.sum()
    take[np.argsort(-(exact - take), kind="stable")[:shortfall]] += 1
    return take


def subset_indices(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A stratified random subset of ``size`` indices (sorted), for quick runs."""
    if size >= len(labels):
        return np.arange(len(labels))
    _, chosen = stratified_split(labels, size, seed)
    return chosen

"""Seeded, stratified train/validation split of the MNIST training set: the
validation digits keep the class proportions of the whole set, and the same
seed always gives the same split. scikit-learn's ``train_test_split`` does
it when installed; the standalone app, which leaves scikit-learn out for
size, draws an equally stratified split with NumPy.
"""

from __future__ import annotations

import numpy as np


def stratified_split(labels: np.ndarray, validation_size: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return sorted ``(train_indices, validation_indices)`` into ``labels``,
    with ``validation_size`` digits held out in the proportions of the classes.
    """
    if not 0 < validation_size < len(labels):
        raise ValueError(f"validation size must be between 1 and {len(labels) - 1}, got {validation_size}")
    try:
        from sklearn.model_selection import train_test_split  # heavy; training only
    except ImportError:
        return _numpy_stratified_split(np.asarray(labels), validation_size, seed)
    indices = np.arange(len(labels))
    train_indices, validation_indices = train_test_split(
        indices, test_size=validation_size, random_state=seed, shuffle=True, stratify=labels)
    return np.sort(train_indices), np.sort(validation_indices)


def _numpy_stratified_split(labels: np.ndarray, validation_size: int,
                            seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    # Largest-remainder allocation: proportional per class, summing exactly.
    exact = counts * validation_size / len(labels)
    take = np.floor(exact).astype(int)
    shortfall = validation_size - take.sum()
    take[np.argsort(-(exact - take), kind="stable")[:shortfall]] += 1
    chosen = [rng.permutation(np.flatnonzero(labels == value))[:amount]
              for value, amount in zip(classes, take)]
    validation = np.sort(np.concatenate(chosen))
    train = np.setdiff1d(np.arange(len(labels)), validation, assume_unique=True)
    return train, validation


def subset_indices(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A stratified random subset of ``size`` indices (sorted), for quick runs."""
    if size >= len(labels):
        return np.arange(len(labels))
    _, chosen = stratified_split(labels, size, seed)
    return chosen

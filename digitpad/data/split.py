"""Seeded, stratified train/validation split of the MNIST training set: the
validation digits keep the class proportions of the whole set, and the same
seed always gives the same split.
"""

from __future__ import annotations

import numpy as np


def stratified_split(labels: np.ndarray, validation_size: int | float,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return sorted ``(train_indices, validation_indices)`` into ``labels``.

    ``validation_size`` is a count (int) or a fraction (float in (0, 1)).
    """
    from sklearn.model_selection import train_test_split  # heavy; training only

    indices = np.arange(len(labels))
    train_indices, validation_indices = train_test_split(
        indices, test_size=validation_size, random_state=seed, shuffle=True, stratify=labels)
    return np.sort(train_indices), np.sort(validation_indices)


def subset_indices(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A stratified random subset of ``size`` indices (sorted), for quick runs."""
    if size >= len(labels):
        return np.arange(len(labels))
    _, chosen = stratified_split(labels, size, seed)
    return chosen

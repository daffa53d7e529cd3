"""Mini-batches: index slices of a (seeded) permutation, so that a training
loop can shuffle reproducibly and resume in the middle of an epoch by
restarting from a batch number.
"""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np


def batch_count(count: int, batch_size: int) -> int:
    """Batches per epoch; the last one may be smaller."""
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    return math.ceil(count / batch_size)


def batch_indices(order: np.ndarray, batch_size: int, start_batch: int = 0) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(batch_number, indices)`` over ``order`` in chunks of ``batch_size``,
    starting at ``start_batch``.
    """
    for batch in range(start_batch, batch_count(len(order), batch_size)):
        yield batch, order[batch * batch_size:(batch + 1) * batch_size]


def iterate_minibatches(images: np.ndarray, labels: np.ndarray, batch_size: int,
                        rng: np.random.Generator | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(images[batch], labels[batch])`` pairs, shuffled by ``rng``
    (in order when ``rng`` is None).
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    order = rng.permutation(len(images)) if rng is not None else np.arange(len(images))
    for _, indices in batch_indices(order, batch_size):
        yield images[indices], labels[indices]

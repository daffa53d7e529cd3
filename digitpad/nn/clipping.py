"""Gradient clipping by global norm: if the L2 norm of all gradients taken
together exceeds a limit, every gradient is scaled by the same factor, which
keeps the update's direction and bounds its length (Pascanu et al., 2013).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """L2 norm of the concatenation of ``grads``, accumulated in float64."""
    total = 0.0
    for grad in grads:
        flat = grad.ravel()
        total += float(np.dot(flat, flat))
    return math.sqrt(total)


def clip_grad_norm(grads: Sequence[np.ndarray], max_norm: float) -> float:
    """Scale ``grads`` in place so their global norm is at most ``max_norm``.

    Returns the norm before clipping (inf or nan when a gradient is not
    finite; those are left untouched for the caller to detect).
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    norm = global_norm(grads)
    if math.isfinite(norm) and norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for grad in grads:
            grad *= scale
    return norm

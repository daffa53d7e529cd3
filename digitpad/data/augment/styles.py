"""Writing styles that are common in much of the world but rare in MNIST,
whose writers were mostly American: the continental 1, with a long up-stroke
from the left before its stem, and the continental 7, crossed at mid-height.
These functions turn MNIST's own 1s and 7s into those styles by drawing the
missing stroke with the digit's own pen width, so the network learns them
from thousands of real writers' digits rather than from a few templates.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.ink.stroke_width import stroke_width
from digitpad.data.ink.strokes import draw_capsule
from digitpad.data.ink.thresholds import STROKE_LEVEL


def _ink_extent(image: np.ndarray) -> tuple[int, int] | None:
    rows = np.flatnonzero(image.max(axis=1) > STROKE_LEVEL)
    return (int(rows[0]), int(rows[-1])) if len(rows) else None


def _pen_radius(image: np.ndarray) -> float:
    return float(np.clip(stroke_width(image) / 2, 0.6, 1.8))


def add_flag(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 1 written the continental way: an up-stroke from the left to the top
    of the stem. ``image`` is a ``(28, 28)`` float image of a 1; returns a new one."""
    extent = _ink_extent(image)
    if extent is None:
        return image.copy()
    top, bottom = extent
    height = bottom - top + 1
    top_columns = np.flatnonzero(image[top:top + 2].max(axis=0) > STROKE_LEVEL)
    start_x, start_y = float(top_columns.mean()), float(top) + rng.uniform(0.0, 1.0)
    length = rng.uniform(0.2, 0.5) * height
    angle = np.deg2rad(rng.uniform(20, 60))
    end = (start_x - length * np.cos(angle), start_y + length * np.sin(angle))
    result = image.copy()
    radius = _pen_radius(image)
    draw_capsule(result, (start_x, start_y), end, radius, radius)
    return result


def add_crossbar(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 7 crossed at mid-height, continental style; returns a new image."""
    extent = _ink_extent(image)
    if extent is None:
        return image.copy()
    top, bottom = extent
    height = bottom - top + 1
    row = int(round(top + rng.uniform(0.45, 0.6) * height))
    columns = np.flatnonzero(image[row] > STROKE_LEVEL)
    if len(columns) == 0:
        return image.copy()
    centre = float(columns.mean())
    half = rng.uniform(0.15, 0.25) * height
    tilt = rng.uniform(-1.0, 1.0)
    result = image.copy()
    radius = _pen_radius(image)
    draw_capsule(result, (centre - half, row + tilt), (centre + half, row - tilt), radius, radius)
    return result


STYLE_CHANGES = {1: add_flag, 7: add_crossbar}

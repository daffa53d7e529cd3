"""Digits as a digitiser that samples the pen slowly records them: the pen's
path is known only every few millimetres, and the app joins those points with
straight lines, so curves become a few straight segments and a 0 turns into
a polygon. Real writers on such tablets are read worst by a network that has
only seen MNIST's smooth scanned ink. ``angular`` makes those digits from
MNIST's own: the ink is thinned to its skeleton and traced into pen paths
(``digitpad.data.ink.skeleton``), each path keeps one point every
``spacing`` pixels (and its ends), and the points are joined with straight
strokes of the digit's own pen width, then framed as MNIST frames a digit.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.ink.network_input import to_mnist
from digitpad.data.ink.skeleton import thin, trace
from digitpad.data.ink.stroke_width import stroke_width
from digitpad.data.ink.strokes import draw_capsule
from digitpad.data.ink.thresholds import STROKE_LEVEL

# Pixels of a 28 x 28 digit between two recorded pen positions: from a
# slightly slow tablet (a 0 becomes a dozen-sided polygon) to a very slow one
# (five or six corners).
SPACING = (3.0, 7.0)


def keep_every(path: np.ndarray, spacing: float) -> np.ndarray:
    """The points of ``path`` ``(n, 2)`` that a pen sampled every ``spacing``
    pixels of its way would have recorded, with both ends: ``(m, 2)``, m >= 2
    when the path has two points or more."""
    if len(path) < 3:
        return path
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    travelled = np.concatenate([[0.0], np.cumsum(steps)])
    marks = np.arange(0.0, travelled[-1], spacing)
    chosen = np.unique(np.searchsorted(travelled, marks))
    chosen = np.union1d(chosen, [len(path) - 1])
    return path[chosen]


def angular(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``(K, 28, 28)`` float32 digits redrawn from a few points of their pen
    paths joined by straight lines (one random spacing per digit, in
    ``SPACING``); a blank image stays blank. Returns new arrays."""
    images = np.asarray(images, dtype=np.float32)
    spacings = rng.uniform(*SPACING, size=len(images))
    skeletons = thin(images > STROKE_LEVEL)
    result = np.zeros_like(images)
    for index, (image, skeleton) in enumerate(zip(images, skeletons)):
        result[index] = retrace(image, skeleton, lambda path: keep_every(path, spacings[index]))
    return result


def retrace(image: np.ndarray, skeleton: np.ndarray, change_path) -> np.ndarray:
    """The ``(28, 28)`` digit ``image`` drawn again from its ``skeleton``'s
    pen paths, each passed through ``change_path`` (``(n, 2) -> (m, 2)`` x, y
    points) and joined by straight strokes as wide as the digit's own, then
    framed as MNIST frames a digit. A blank skeleton gives a blank image."""
    paths = [change_path(path) for path in trace(skeleton)]
    if not any(len(path) for path in paths):
        return np.zeros((28, 28), np.float32)
    # As wide as the digit's own strokes (the redrawing's rule: pixels
    # within r of the path come out above half brightness).
    radius = float(np.clip(stroke_width(image) / 2 + 0.5, 0.8, 2.3))
    canvas = np.zeros((56, 56), np.float32)       # room for corners that stick out
    for path in paths:
        points = path + 14.5                      # pixel centres, in the middle of the canvas
        if len(points) == 1:
            draw_capsule(canvas, tuple(points[0]), tuple(points[0]), radius, radius)
        for start, end in zip(points[:-1], points[1:]):
            draw_capsule(canvas, tuple(start), tuple(end), radius, radius)
    return to_mnist(canvas)

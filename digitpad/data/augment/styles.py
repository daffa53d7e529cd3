"""Writing styles that are common in much of the world but rare in MNIST,
whose writers were mostly American: the continental 1, with an up-stroke
from the left before its stem (sometimes a long one, with no base), the
continental 7, crossed at mid-height, the slashed zero (Ø) of engineers and
programmers, the 9 whose tail curls back to the left like a "g", and the 4
written in one stroke, whose pen never stops at a corner, so its corners
come out round and it can look like a 6, 5 or 1. These
functions turn MNIST's own digits into those styles by drawing the missing
stroke with the digit's own pen width, so the network learns them from
thousands of real writers' digits rather than from a few templates.
``STYLE_CHANGES`` says which digits have a style and ``STYLE_SHARE`` how
often, relative to the run's style probability, each is written that way.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.augment.slow_sampling import keep_every, retrace
from digitpad.data.ink.network_input import to_mnist
from digitpad.data.ink.skeleton import thin
from digitpad.data.ink.stroke_width import stroke_width
from digitpad.data.ink.strokes import draw_capsule
from digitpad.data.ink.thresholds import STROKE_LEVEL


# Room around a 28 x 28 digit for strokes that reach past its edge.
REFRAME_MARGIN = 10


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
    # Up to 0.7 of the height: long flags with no base are what real writers'
    # 1s are most often misread (as 7s) for.
    length = rng.uniform(0.2, 0.7) * height
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


def add_slash(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A slashed zero (Ø): a stroke from below the ring's lower left to above
    its upper right, through the middle; returns a new, reframed image."""
    box = _ink_box(image)
    if box is None:
        return image.copy()
    top, bottom, left, right = box
    height, width = bottom - top + 1, right - left + 1
    overshoot = rng.uniform(0.0, 0.15)
    lean = rng.uniform(-0.1, 0.1) * width
    start = (left - overshoot * width + lean, bottom + overshoot * height)
    end = (right + overshoot * width + lean, top - overshoot * height)
    return _with_strokes(image, [(start, end)])


def add_tail_curl(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 9 whose tail curls back to the left at the bottom, like a "g": about
    half a circle from the tail's end, down, left and up; returns a new,
    reframed image."""
    box = _ink_box(image)
    if box is None:
        return image.copy()
    top, bottom, _, _ = box
    height = bottom - top + 1
    end_x, end_y = float(np.flatnonzero(image[bottom] > STROKE_LEVEL).mean()), float(bottom)
    radius_of_curl = rng.uniform(0.12, 0.22) * height
    sweep = np.deg2rad(rng.uniform(150, 210))
    # y grows downwards, so angles from 0 to the sweep go down, then left, then up.
    angles = np.linspace(0.0, sweep, 9)
    points = [(end_x - radius_of_curl + radius_of_curl * np.cos(angle),
               end_y + radius_of_curl * np.sin(angle)) for angle in angles]
    return _with_strokes(image, list(zip(points[:-1], points[1:])))


def round_corners(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A digit written in one stroke by a pen that never stops: its pen paths
    are sampled every 4-7 px and their corners cut round (Chaikin's corner
    cutting, two or three times), then drawn again in the digit's own pen
    width and reframed. ``image`` is ``(28, 28)``; returns a new one."""
    spacing = rng.uniform(4.0, 7.0)
    rounds = int(rng.integers(2, 4))

    def rounded(path: np.ndarray) -> np.ndarray:
        points = keep_every(path, spacing)
        for _ in range(rounds):
            if len(points) < 3:
                break
            # Each corner is replaced by two points a quarter of the way
            # along its edges; the ends stay where the pen started and stopped.
            near, far = points[:-1], points[1:]
            cut = np.stack([0.75 * near + 0.25 * far, 0.25 * near + 0.75 * far], axis=1).reshape(-1, 2)
            points = np.concatenate([points[:1], cut[1:-1], points[-1:]])
        return points

    image = np.asarray(image, dtype=np.float32)
    return retrace(image, thin(image[None] > STROKE_LEVEL)[0], rounded)


def _with_strokes(image: np.ndarray, segments) -> np.ndarray:
    """``image`` with ``segments`` ((x, y) pairs, in its pixels) drawn in the
    digit's own pen width, framed again the way MNIST frames a digit (20 x 20
    box, centre of mass in the middle): a stroke that reaches past MNIST's
    margin — a curl below a 9 — is kept, and the digit shrinks to make room,
    as a writer's whole digit would be framed."""
    padded = np.pad(image, REFRAME_MARGIN)
    radius = _pen_radius(image)
    for start, end in segments:
        draw_capsule(padded, (start[0] + REFRAME_MARGIN, start[1] + REFRAME_MARGIN),
                     (end[0] + REFRAME_MARGIN, end[1] + REFRAME_MARGIN), radius, radius)
    return to_mnist(padded)


def _ink_box(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the ink, inclusive; None for a blank image."""
    rows = np.flatnonzero(image.max(axis=1) > STROKE_LEVEL)
    columns = np.flatnonzero(image.max(axis=0) > STROKE_LEVEL)
    if not len(rows):
        return None
    return int(rows[0]), int(rows[-1]), int(columns[0]), int(columns[-1])


STYLE_CHANGES = {0: add_slash, 1: add_flag, 4: round_corners, 7: add_crossbar, 9: add_tail_curl}
# The continental 1 and 7 are the usual way to write them in much of the
# world; the slashed zero, the curled 9 and the one-stroke 4 are one
# writer's habit in a few.
STYLE_SHARE = {0: 0.3, 1: 1.0, 4: 0.3, 7: 1.0, 9: 0.3}
STYLE_NAMES = {0: "slashed 0 (Ø)", 1: "continental 1, long flag", 4: "one-stroke 4, round corners",
               7: "crossed 7", 9: "9 with a curled tail"}

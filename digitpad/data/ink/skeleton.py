"""Pen trajectories recovered from images of handwritten digits: thin the
ink to a one-pixel skeleton (Zhang & Suen, 1984, vectorised over a batch)
and trace the skeleton into polylines. Replaying those polylines through the
canvas's stroke renderer at different pen widths and sizes gives "drawn"
versions of real writers' digits (for example the MNIST test set, whose
writers the model never saw), which is how the robustness evaluation
measures what a person drawing on the canvas will experience.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.ink.strokes import Stroke
from digitpad.data.ink.thresholds import STROKE_LEVEL

# Neighbours in Zhang-Suen order: P2 (north) clockwise to P9 (north-west).
_RING = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]
_NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def thin(masks: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of ``(N, H, W)`` (or ``(H, W)``) boolean masks to
    8-connected skeletons one pixel wide."""
    single = masks.ndim == 2
    image = np.pad(np.asarray(masks, dtype=bool)[None] if single else np.asarray(masks, dtype=bool),
                   ((0, 0), (1, 1), (1, 1))).astype(np.uint8)
    height, width = image.shape[1] - 2, image.shape[2] - 2

    def neighbours(current):
        return [current[:, 1 + dy:1 + dy + height, 1 + dx:1 + dx + width] for dy, dx in _RING]

    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            ring = neighbours(image)
            centre = image[:, 1:-1, 1:-1]
            count = sum(ring)
            transitions = sum(((ring[index] == 0) & (ring[(index + 1) % 8] == 1)).astype(np.uint8)
                              for index in range(8))
            north, east, south, west = ring[0], ring[2], ring[4], ring[6]
            if step == 0:
                first, second = north * east * south, east * south * west
            else:
                first, second = north * east * west, north * south * west
            remove = (centre == 1) & (count >= 2) & (count <= 6) & (transitions == 1) \
                & (first == 0) & (second == 0)
            if remove.any():
                centre[remove] = 0
                changed = True
    result = image[:, 1:-1, 1:-1].astype(bool)
    return result[0] if single else result


def trace(skeleton: np.ndarray) -> list[np.ndarray]:
    """Split a 2-D skeleton into polylines ``(n, 2)`` of ``(x, y)`` pixel
    centres: paths run between end points and junctions; closed loops are
    cut anywhere. Every skeleton edge is covered exactly once."""
    pixels = {(int(y), int(x)) for y, x in zip(*np.nonzero(skeleton))}

    def adjacent(point):
        # A diagonal step is skipped when an orthogonal neighbour also links
        # the two pixels: the path goes round that corner, and staircases do
        # not turn into spurious junctions.
        y, x = point
        result = []
        for dy, dx in _NEIGHBOURS:
            if (y + dy, x + dx) not in pixels:
                continue
            if dy and dx and ((y + dy, x) in pixels or (y, x + dx) in pixels):
                continue
            result.append((y + dy, x + dx))
        return result

    degree = {point: len(adjacent(point)) for point in pixels}
    used_edges: set[frozenset] = set()
    paths = []

    def walk(start, following):
        path = [start, following]
        used_edges.add(frozenset((start, following)))
        previous, current = start, following
        while degree[current] == 2:
            step = [point for point in adjacent(current)
                    if point != previous and frozenset((current, point)) not in used_edges]
            if not step:
                break
            previous, current = current, step[0]
            used_edges.add(frozenset((previous, current)))
            path.append(current)
        return path

    # Paths from end points and junctions first, then what is left: loops.
    starts = sorted(point for point in pixels if degree[point] != 2)
    starts += sorted(point for point in pixels if degree[point] == 2)
    for start in starts:
        for following in adjacent(start):
            if frozenset((start, following)) not in used_edges:
                paths.append(walk(start, following))
    for point in pixels:
        if degree[point] == 0:
            paths.append([point])
    return [np.array([(x, y) for y, x in path], dtype=np.float32) for path in paths]


def _smooth(path: np.ndarray) -> np.ndarray:
    """Soften the staircase of pixel steps, keeping the end points."""
    if len(path) < 3:
        return path
    smoothed = path.copy()
    smoothed[1:-1] = (path[:-2] + 2 * path[1:-1] + path[2:]) / 4
    return smoothed


def image_to_strokes(image: np.ndarray, left: float, top: float, height: float, pen_width: float,
                     threshold: float = STROKE_LEVEL) -> list[Stroke]:
    """Strokes tracing the digit in a 2-D image (bright ink on dark), placed
    so that the image's ``height`` rows span ``height`` canvas pixels with
    its top-left corner at ``(left, top)``."""
    scale = height / image.shape[0]
    strokes = []
    for path in trace(thin(image > threshold)):
        points = _smooth(path) + 0.5          # pixel centres
        xy = np.stack([left + points[:, 0] * scale, top + points[:, 1] * scale,
                       np.ones(len(points), np.float32)], axis=1)
        strokes.append(Stroke(float(pen_width), xy.astype(np.float32)))
    return strokes


def distance_to_skeleton(images: np.ndarray, threshold: float = STROKE_LEVEL, chunk: int = 512) -> np.ndarray:
    """For ``(N, H, W)`` images, the distance (pixels) from every pixel to the
    nearest pixel of the digit's skeleton, ``(N, H, W)`` float16 — half the
    memory of float32 for a whole training set, and ample precision near the
    strokes, where it matters (a large value for a blank image). Redrawing the skeleton with a round pen of
    radius ``r`` is then ``clip(r - distance + 0.5, 0, 1)``."""
    images = np.asarray(images)
    count, height, width = images.shape
    rows, columns = np.indices((height, width))
    grid = np.stack([rows.ravel(), columns.ravel()], axis=1).astype(np.float32)
    result = np.empty((count, height * width), np.float16)
    for start in range(0, count, chunk):
        skeletons = thin(images[start:start + chunk] > threshold)
        for offset, skeleton in enumerate(skeletons):
            points = np.argwhere(skeleton).astype(np.float32)
            if len(points) == 0:
                result[start + offset] = float(height + width)
                continue
            squared = ((grid[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
            result[start + offset] = np.sqrt(squared.min(axis=1))
    return result.reshape(count, height, width)


def redraw(distance: np.ndarray, radius: np.ndarray | float) -> np.ndarray:
    """Skeletons redrawn with round pens: ``distance`` ``(N, H, W)`` from
    :func:`distance_to_skeleton`, ``radius`` a scalar or ``(N,)`` (pixels)."""
    radius = np.reshape(np.asarray(radius, dtype=np.float32), (-1, 1, 1))
    return np.clip(radius - distance + np.float32(0.5), 0.0, 1.0)


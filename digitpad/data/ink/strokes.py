"""Pen strokes and their rasterisation, in NumPy. A stroke is a polyline of
``(x, y, pressure)`` points with a pen width; it is drawn as a chain of
anti-aliased capsules whose radius follows the pressure, composited with
``max`` so that overlapping pieces never darken and drawing a stroke twice
changes nothing. The drawing canvas renders with exactly this code, so the
image the network sees is the one on screen, and scripts can replay recorded
pen trajectories through the same pipeline without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Pressure never thins a stroke below this fraction of the pen width, so a
# light touch on a tablet still leaves a visible line.
MIN_PRESSURE_FACTOR = 0.35


def pressure_factor(pressure: float | np.ndarray) -> float | np.ndarray:
    """Width multiplier for a pen pressure in [0, 1] (1.0 for a mouse)."""
    return MIN_PRESSURE_FACTOR + (1.0 - MIN_PRESSURE_FACTOR) * np.clip(pressure, 0.0, 1.0)


@dataclass
class Stroke:
    """One pen-down-to-pen-up trace: ``points`` is ``(n, 3)`` float32 rows of
    ``x, y, pressure`` in canvas coordinates; ``width`` is the pen diameter."""

    width: float
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float32))

    def add_point(self, x: float, y: float, pressure: float = 1.0) -> None:
        self.points = np.vstack([self.points, np.array([[x, y, pressure]], np.float32)])

    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, top, right, bottom)`` including the pen radius."""
        radius = self.width / 2
        xs, ys = self.points[:, 0], self.points[:, 1]
        return (float(xs.min()) - radius, float(ys.min()) - radius,
                float(xs.max()) + radius, float(ys.max()) + radius)

    def to_list(self) -> dict:
        """JSON-able form; reading it back is validated by the samples schema
        (``digitpad.data.handwriting.samples``)."""
        return {"width": float(self.width), "points": self.points.round(2).tolist()}


def draw_capsule(image: np.ndarray, start: tuple[float, float], end: tuple[float, float],
                 start_radius: float, end_radius: float) -> None:
    """Draw an anti-aliased capsule (a thick segment with round ends whose
    radius changes linearly from ``start_radius`` to ``end_radius``) into the
    2-D float32 ``image`` in place, keeping the brighter of old and new.

    Coordinates are in pixels of ``image``; pixel ``(row, col)`` covers the
    square centred at ``(col, row)``.
    """
    height, width = image.shape
    reach = max(start_radius, end_radius) + 1.0
    left = max(int(np.floor(min(start[0], end[0]) - reach)), 0)
    right = min(int(np.ceil(max(start[0], end[0]) + reach)) + 1, width)
    top = max(int(np.floor(min(start[1], end[1]) - reach)), 0)
    bottom = min(int(np.ceil(max(start[1], end[1]) + reach)) + 1, height)
    if left >= right or top >= bottom:
        return
    xs = np.arange(left, right, dtype=np.float32)[None, :]
    ys = np.arange(top, bottom, dtype=np.float32)[:, None]
    direction_x, direction_y = end[0] - start[0], end[1] - start[1]
    length_squared = direction_x * direction_x + direction_y * direction_y
    if length_squared > 1e-12:
        along = ((xs - start[0]) * direction_x + (ys - start[1]) * direction_y) / length_squared
        np.clip(along, 0.0, 1.0, out=along)
    else:
        along = np.zeros((bottom - top, right - left), np.float32)
    nearest_x = start[0] + along * direction_x
    nearest_y = start[1] + along * direction_y
    distance = np.sqrt((xs - nearest_x) ** 2 + (ys - nearest_y) ** 2)
    radius = start_radius + along * (end_radius - start_radius)
    # Coverage ramps over one pixel across the edge: a cheap, good anti-aliasing.
    coverage = np.clip(radius - distance + 0.5, 0.0, 1.0)
    region = image[top:bottom, left:right]
    np.maximum(region, coverage, out=region)


def draw_stroke(image: np.ndarray, stroke: Stroke, scale: float = 1.0, start_point: int = 0) -> None:
    """Draw ``stroke`` (from point ``start_point`` on) into ``image``, with its
    coordinates and width multiplied by ``scale`` (canvas to image pixels)."""
    points = stroke.points
    if len(points) == 0:
        return
    radii = stroke.width * scale / 2 * pressure_factor(points[:, 2])
    # Pixel centres sit at integer coordinates; canvas coordinates count edges.
    xs = points[:, 0] * scale - 0.5
    ys = points[:, 1] * scale - 0.5
    if len(points) == 1:
        draw_capsule(image, (xs[0], ys[0]), (xs[0], ys[0]), radii[0], radii[0])
        return
    for index in range(max(start_point, 1), len(points)):
        draw_capsule(image, (xs[index - 1], ys[index - 1]), (xs[index], ys[index]),
                     radii[index - 1], radii[index])


def render_strokes(strokes: list[Stroke], height: int, width: int, scale: float = 1.0) -> np.ndarray:
    """A fresh ``(height, width)`` float32 image in [0, 1] with every stroke drawn."""
    image = np.zeros((height, width), np.float32)
    for stroke in strokes:
        draw_stroke(image, stroke, scale)
    return image


def evenly_spaced(path: np.ndarray, per_unit: float) -> np.ndarray:
    """Points evenly spaced along ``path`` ``(n, 2)``, ``per_unit`` of them per
    unit of its length, both ends included: ``(m, 2)``, m >= 2. What a
    digitiser sampling the pen at a steady slow rate records; drawn, the
    points are joined by straight lines."""
    along = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    wanted = np.linspace(0.0, along[-1], max(2, round(along[-1] * per_unit) + 1))
    return np.stack([np.interp(wanted, along, path[:, 0]), np.interp(wanted, along, path[:, 1])], axis=1)

"""Finding the ink in a picture of paper (a photo or a scan): dark ink on
light paper is recognised by the paper at the border and inverted, uneven
lighting is removed by subtracting a wide local background, and ink is told
from paper texture with Otsu's threshold. ``picture_ink`` keeps the pieces
big enough to be digits — the picture pipeline that ends on the canvas —
and ``image_to_mnist`` turns a picture of one digit into the network's
input.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.ink.components import component_boxes, component_sums, label_components
from digitpad.data.ink.network_input import prepare_for_network
from digitpad.data.ink.thresholds import (DIGIT_PIECE_HEIGHT, DIGIT_PIECE_MASS, DUST_MASS,
                                          PAPER_LEVEL, PICTURE_BLANK_LEVEL, PICTURE_MIN_THRESHOLD,
                                          PICTURE_SOFT_EDGE)

def _box_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a ``(2r+1)^2`` window (edges replicated), via cumulative sums."""
    padded = np.pad(image, radius + 1, mode="edge").astype(np.float64)
    summed = padded.cumsum(axis=0).cumsum(axis=1)
    size = 2 * radius + 1
    window = (summed[size:, size:] - summed[:-size, size:] - summed[size:, :-size] + summed[:-size, :-size])
    return (window / (size * size))[:image.shape[0], :image.shape[1]].astype(np.float32)


def _otsu_threshold(values: np.ndarray) -> float:
    """Otsu's threshold of values in [0, 1] (maximises between-class variance)."""
    histogram, edges = np.histogram(values, bins=256, range=(0.0, 1.0))
    weights = histogram.astype(np.float64)
    centres = (edges[:-1] + edges[1:]) / 2
    below = np.cumsum(weights)
    above = below[-1] - below
    sum_below = np.cumsum(weights * centres)
    mean_below = sum_below / np.maximum(below, 1)
    mean_above = (sum_below[-1] - sum_below) / np.maximum(above, 1)
    between = below * above * (mean_below - mean_above) ** 2
    return float(centres[int(np.argmax(between))])


def extract_ink(grey: np.ndarray) -> np.ndarray:
    """Bright-ink-on-black version of a picture of a digit.

    ``grey`` is 2-D in [0, 1] as it looks. Paper is recognised by the
    brightness of the border (dark ink on light paper is inverted), uneven
    lighting is removed by subtracting a wide local background estimate, and
    ink is separated from paper texture and noise with Otsu's threshold;
    faint fringes are kept so strokes stay anti-aliased.
    """
    grey = np.asarray(grey, dtype=np.float32)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 1.0 - grey if float(np.median(border)) > PAPER_LEVEL else grey.copy()
    # Lighting varies over distances much larger than a stroke's width.
    radius = max(2, min(ink.shape) // 8)
    background = _box_blur(ink, radius)
    ink = np.clip(ink - background, 0.0, None)
    peak = float(ink.max())
    if peak <= PICTURE_BLANK_LEVEL:
        return np.zeros_like(ink)
    ink /= peak
    threshold = max(_otsu_threshold(ink), PICTURE_MIN_THRESHOLD)
    # Keep the soft edge just below the threshold, drop everything fainter.
    ink[ink < threshold * PICTURE_SOFT_EDGE] = 0.0
    return ink


def largest_ink_component(ink: np.ndarray) -> np.ndarray:
    """``ink`` with everything but its largest connected piece (by total ink) removed."""
    labels, count = label_components(ink > 0)
    if count <= 1:
        return ink
    largest = int(np.argmax(component_sums(ink, labels, count))) + 1
    return np.where(labels == largest, ink, 0.0).astype(np.float32)


def digit_ink(ink: np.ndarray) -> np.ndarray:
    """``ink`` keeping only the pieces big enough to be (parts of) digits."""
    labels, count = label_components(ink > 0)
    if count <= 1:
        return ink
    mass = component_sums(ink, labels, count)
    boxes = component_boxes(labels, count)
    heights = boxes[:, 1] - boxes[:, 0]
    largest = int(np.argmax(mass))
    keep = (mass >= DIGIT_PIECE_MASS * mass[largest]) | (heights >= DIGIT_PIECE_HEIGHT * heights[largest])
    keep &= mass >= DUST_MASS * mass[largest]
    return np.where(np.isin(labels, np.flatnonzero(keep) + 1), ink, 0.0).astype(np.float32)


def image_to_mnist(image: np.ndarray) -> np.ndarray:
    """``(28, 28)`` network input from a picture of one digit (a 2-D
    greyscale array in [0, 1] as it looks, e.g. from ``load_image``).
    """
    return prepare_for_network(largest_ink_component(extract_ink(image)))


def picture_ink(grey: np.ndarray) -> np.ndarray:
    """The ink of a picture of a digit or a number, as it goes on the canvas:
    bright on black, only the pieces big enough to be (parts of) digits.
    ``grey`` is 2-D in [0, 1] as it looks (e.g. from ``load_image``)."""
    return digit_ink(extract_ink(grey))

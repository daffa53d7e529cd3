"""Turning pictures of digits into what the network saw during training.
``to_mnist`` reproduces how MNIST digits were made from a greyscale image
with bright ink on a dark background (what the drawing canvas produces): crop
to the ink's bounding box, scale it to fit a 20x20 box keeping its aspect
ratio with anti-aliasing, and place it in a 28x28 image so that its centre of
mass sits at pixel (14, 14) — the integer shift MNIST itself used. For image
files (photos and scans of paper, read by ``digitpad.data.image_files``)
``image_to_mnist`` first finds the ink: it detects dark-ink-on-light-paper
and inverts it, removes uneven background lighting, and keeps the largest
piece of ink. Everything is NumPy.
"""

from __future__ import annotations

import functools

import numpy as np

from digitpad.data.augment import vary_thickness
from digitpad.data.components import component_boxes, component_sums, label_components

MNIST_SIZE = 28
DIGIT_BOX = 20
MNIST_CENTRE = 14.0
# Pixels dimmer than this fraction of the brightest ink do not count when the
# bounding box is measured, so anti-aliasing fringes do not widen it.
INK_FRACTION = 0.1
# Below this peak brightness an image is blank: no ink at all.
BLANK_LEVEL = 0.05


def has_ink(image: np.ndarray) -> bool:
    """True if ``image`` (bright ink on dark, values in [0, 1]) holds any ink."""
    return image.size > 0 and float(np.max(image)) > BLANK_LEVEL


def ink_bounding_box(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` (bottom/right exclusive) of the ink, or None if blank."""
    if not has_ink(image):
        return None
    threshold = float(np.max(image)) * INK_FRACTION
    # Row and column maxima are two cheap reductions; a full boolean mask of a
    # large canvas would cost more than the rest of the preprocessing.
    rows = np.flatnonzero(image.max(axis=1) > threshold)
    columns = np.flatnonzero(image.max(axis=0) > threshold)
    return int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1


@functools.lru_cache(maxsize=256)
def _resampling_matrix(source_size: int, target_size: int) -> np.ndarray:
    """``(target_size, source_size)`` weights of an anti-aliased linear resampler.

    The triangle filter is widened by the reduction factor when shrinking, so
    every source pixel contributes (area-style anti-aliasing, as Pillow does);
    rows sum to one. Applying it is a matrix product, which is fast for the
    few hundred pixels a drawing spans.
    """
    scale = source_size / target_size
    support = max(scale, 1.0)
    centres = (np.arange(target_size) + 0.5) * scale - 0.5
    distance = np.abs(np.arange(source_size)[None, :] - centres[:, None]) / support
    weights = np.clip(1.0 - distance, 0.0, None)
    sums = weights.sum(axis=1, keepdims=True)
    # A target pixel between source pixels when enlarging always has a neighbour.
    weights /= np.where(sums > 0, sums, 1.0)
    weights = weights.astype(np.float32)
    weights.setflags(write=False)
    return weights


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize of a 2-D float32 image to ``(height, width)``."""
    rows = _resampling_matrix(image.shape[0], height)
    columns = _resampling_matrix(image.shape[1], width)
    return rows @ image @ columns.T


def to_mnist(image: np.ndarray) -> np.ndarray:
    """MNIST-style ``(28, 28)`` float32 in [0, 1] from a 2-D greyscale array of
    any size with bright ink on a dark background (float in [0, 1] or uint8).

    A blank image gives all zeros; callers decide not to predict on it
    (see ``has_ink``).
    """
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {image.shape}")
    if image.dtype == np.uint8:
        image = image.astype(np.float32) / 255
    else:
        image = image.astype(np.float32, copy=False)
        if image.size and not np.isfinite(np.max(image)):
            image = np.nan_to_num(image, nan=0.0, posinf=1.0, neginf=0.0)
    result = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    box = ink_bounding_box(image)
    if box is None:
        return result
    top, bottom, left, right = box
    crop = np.clip(image[top:bottom, left:right], 0.0, None)
    height, width = crop.shape
    scale = DIGIT_BOX / max(height, width)
    target_height = min(DIGIT_BOX, max(1, round(height * scale)))
    target_width = min(DIGIT_BOX, max(1, round(width * scale)))
    digit = resize(crop, target_height, target_width)
    np.clip(digit, 0.0, None, out=digit)
    peak = float(digit.max())
    if peak <= 0:
        return result
    # Full-strength ink, as MNIST's strokes: thin pen lines would otherwise
    # come out as faint grey after shrinking.
    digit /= peak
    np.minimum(digit, 1.0, out=digit)

    mass = float(digit.sum())
    centre_row = float((digit.sum(axis=1) * np.arange(target_height)).sum()) / mass
    centre_column = float((digit.sum(axis=0) * np.arange(target_width)).sum()) / mass
    # Integer placement so the centre of mass lands on (14, 14), kept inside the frame.
    top = int(np.clip(round(MNIST_CENTRE - centre_row), 0, MNIST_SIZE - target_height))
    left = int(np.clip(round(MNIST_CENTRE - centre_column), 0, MNIST_SIZE - target_width))
    result[top:top + target_height, left:left + target_width] = digit
    return result


# MNIST's strokes are 1.3-3.1 px wide for 90% of its digits (median 2.0, by
# stroke_width); drawings far outside that range are brought to its edge.
MNIST_STROKE_WIDTH = (1.5, 2.8)


def stroke_width(images: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Mean stroke width of each ``(..., H, W)`` image in pixels, estimated as
    twice the ink area over its perimeter (exact for long uniform strokes)."""
    ink = np.asarray(images) > threshold
    area = ink.sum(axis=(-1, -2))
    perimeter = (ink[..., 1:, :] != ink[..., :-1, :]).sum(axis=(-1, -2)) \
        + (ink[..., :, 1:] != ink[..., :, :-1]).sum(axis=(-1, -2))
    return 2.0 * area / np.maximum(perimeter, 1)


def normalise_stroke_width(image: np.ndarray, target: tuple[float, float] = MNIST_STROKE_WIDTH) -> np.ndarray:
    """A ``(28, 28)`` digit whose strokes are much thinner or thicker than
    MNIST's, thickened or thinned (blended towards a grey dilation or
    erosion) to the nearest edge of ``target``; others are returned as they
    are. A pen much wider than the digit is small no longer fills its loops
    for the network. Returns a new array."""
    width = float(stroke_width(image))
    low, high = target
    if not image.any() or low <= width <= high:
        return image.copy()
    direction = 1.0 if width < low else -1.0
    goal = low if width < low else high
    fully = vary_thickness(image[None], np.array([direction]))[0]
    reachable = float(stroke_width(fully))
    # Stroke width changes about linearly with the blend, so interpolate.
    blend = min(1.0, abs(goal - width) / max(abs(reachable - width), 1e-3))
    return vary_thickness(image[None], np.array([direction * blend]))[0]


def prepare_for_network(ink: np.ndarray) -> np.ndarray:
    """What the network is given for a drawing or picture: the MNIST-style
    28x28 image with its stroke width brought into MNIST's range (and then
    framed the MNIST way again, since thickening or thinning changes the
    digit's extent)."""
    mnist_image = to_mnist(ink)
    width = float(stroke_width(mnist_image))
    if MNIST_STROKE_WIDTH[0] <= width <= MNIST_STROKE_WIDTH[1] or not mnist_image.any():
        return mnist_image
    return to_mnist(normalise_stroke_width(mnist_image))


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
    ink = 1.0 - grey if float(np.median(border)) > 0.5 else grey.copy()
    # Lighting varies over distances much larger than a stroke's width.
    radius = max(2, min(ink.shape) // 8)
    background = _box_blur(ink, radius)
    ink = np.clip(ink - background, 0.0, None)
    peak = float(ink.max())
    if peak <= 1e-3:
        return np.zeros_like(ink)
    ink /= peak
    threshold = max(_otsu_threshold(ink), 0.15)
    # Keep the soft edge just below the threshold, drop everything fainter.
    ink[ink < threshold * 0.5] = 0.0
    return ink


def largest_ink_component(ink: np.ndarray) -> np.ndarray:
    """``ink`` with everything but its largest connected piece (by total ink) removed."""
    labels, count = label_components(ink > 0)
    if count <= 1:
        return ink
    largest = int(np.argmax(component_sums(ink, labels, count))) + 1
    return np.where(labels == largest, ink, 0.0).astype(np.float32)


# In a picture of a number, a piece of ink is a digit (or part of one) if it
# is at least this fraction of the largest piece's ink and of its height;
# smaller pieces are dust, paper texture or stray marks.
DIGIT_PIECE_MASS = 0.15
DIGIT_PIECE_HEIGHT = 0.35


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
    keep &= mass >= 0.02 * mass[largest]
    return np.where(np.isin(labels, np.flatnonzero(keep) + 1), ink, 0.0).astype(np.float32)


def image_to_mnist(image: np.ndarray) -> np.ndarray:
    """``(28, 28)`` network input from a picture of one digit (a 2-D
    greyscale array in [0, 1] as it looks, e.g. from ``load_image``).
    """
    return prepare_for_network(largest_ink_component(extract_ink(image)))

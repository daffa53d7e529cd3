"""What the network is given: ``to_mnist`` reproduces how MNIST digits were
made from a greyscale image with bright ink on a dark background (what the
drawing canvas produces): crop to the ink's bounding box, scale it to fit a
20x20 box keeping its aspect ratio with anti-aliasing, and place it in a
28x28 image so that its centre of mass sits at pixel (14, 14) — the integer
shift MNIST itself used. ``prepare_for_network`` then brings the stroke
width into MNIST's range. Both the canvas and pictures end here.
"""

from __future__ import annotations

import functools

import numpy as np

from digitpad.data.ink.stroke_width import MNIST_STROKE_WIDTH, normalise_stroke_width, stroke_width
from digitpad.data.ink.thresholds import BLANK_LEVEL, BOX_INK_FRACTION

MNIST_SIZE = 28


DIGIT_BOX = 20


MNIST_CENTRE = 14.0


def has_ink(image: np.ndarray) -> bool:
    """True if ``image`` (bright ink on dark, values in [0, 1]) holds any ink."""
    return image.size > 0 and float(np.max(image)) > BLANK_LEVEL


def ink_bounding_box(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` (bottom/right exclusive) of the ink, or None if blank."""
    if not has_ink(image):
        return None
    threshold = float(np.max(image)) * BOX_INK_FRACTION
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

"""Stroke width: measuring it (twice the ink area over its perimeter) and
changing it by blending towards a grey dilation or erosion with a
cross-shaped element. The canvas and pictures use it to bring a drawing's
strokes into MNIST's range (a thin pen on a big digit, a fat marker on a
small one); training uses the same operation to vary the width of MNIST's
own strokes.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.ink.thresholds import STROKE_LEVEL

# Images are processed in chunks of at most this many: it bounds the scratch memory.
_CHUNK_IMAGES = 128

# MNIST's strokes are 1.3-3.1 px wide for 90% of its digits (median 2.0, by
# stroke_width); drawings far outside that range are brought to its edge.
MNIST_STROKE_WIDTH = (1.5, 2.8)


def stroke_width(images: np.ndarray, threshold: float = STROKE_LEVEL) -> np.ndarray:
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


def vary_thickness(images: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Thicken (``weight > 0``) or thin (``weight < 0``) each image's strokes.

    ``images`` is ``(B, H, W)`` in [0, 1]; ``weights`` is ``(B,)`` in
    [-1, 1], the blend weight towards the grey dilation (or erosion) with a
    3x3 cross. Returns a new ``(B, H, W)`` float32 array.
    """
    images = np.asarray(images, dtype=np.float32)
    weights = np.asarray(weights, dtype=np.float64)
    result = np.empty(images.shape, np.float32)
    for start in range(0, images.shape[0], _CHUNK_IMAGES):
        chunk = slice(start, start + _CHUNK_IMAGES)
        result[chunk] = vary_thickness_into(
            images[chunk], weights[chunk], morphology_buffers(*images[chunk].shape))
    return result


def morphology_buffers(batch: int, height: int, width: int) -> tuple[np.ndarray, ...]:
    """Three zero-initialised ``(B, H+2, W+2)`` buffers and one ``(B, H, W)`` result."""
    padded_shape = (batch, height + 2, width + 2)
    return (
        np.zeros(padded_shape, np.float32),
        np.zeros(padded_shape, np.float32),
        np.zeros(padded_shape, np.float32),
        np.empty((batch, height, width), np.float32),
    )


def vary_thickness_into(
    images: np.ndarray,
    weights: np.ndarray,
    buffers: tuple[np.ndarray, ...],
) -> np.ndarray:
    """``vary_thickness`` computed in ``buffers`` (from ``morphology_buffers``);
    the returned ``(B, H, W)`` array is one of them."""
    _, height, width = images.shape
    padded, dilated, eroded, result = buffers
    padded[:, 1:height + 1, 1:width + 1] = images
    # On the flattened zero-bordered batch the cross's neighbours are fixed
    # offsets (+-1, +-row length), so each step is one long contiguous
    # operation. Interior pixels only ever see their own image's pixels and
    # border; what lands on the border positions is discarded.
    row_length = width + 2
    flat, flat_dilated, flat_eroded = padded.reshape(-1), dilated.reshape(-1), eroded.reshape(-1)
    core = slice(row_length, flat.size - row_length)
    centre = flat[core]
    neighbours = [flat[row_length + offset:flat.size - row_length + offset]
                  for offset in (-1, 1, -row_length, row_length)]
    np.maximum(centre, neighbours[0], out=flat_dilated[core])
    np.minimum(centre, neighbours[0], out=flat_eroded[core])
    for neighbour in neighbours[1:]:
        np.maximum(flat_dilated[core], neighbour, out=flat_dilated[core])
        np.minimum(flat_eroded[core], neighbour, out=flat_eroded[core])
    # images + grow * (dilated - images) + shrink * (eroded - images); at most
    # one of grow and shrink is non-zero for any image.
    grow = np.clip(weights, 0.0, 1.0).astype(np.float32)[:, None, None]
    shrink = np.clip(-weights, 0.0, 1.0).astype(np.float32)[:, None, None]
    np.subtract(dilated, padded, out=dilated)
    np.multiply(dilated, grow, out=dilated)
    np.subtract(eroded, padded, out=eroded)
    np.multiply(eroded, shrink, out=eroded)
    np.add(eroded, dilated, out=eroded)
    np.add(images, eroded[:, 1:height + 1, 1:width + 1], out=result)
    return result

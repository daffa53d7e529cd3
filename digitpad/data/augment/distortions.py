"""Training-time data augmentation for MNIST-style digits (white ink on black,
values in [0, 1]), vectorised over the batch and driven by a caller-supplied
``numpy.random.Generator`` so that a seed reproduces a run exactly. Each image
is resampled once: rotation, zoom with a little aspect jitter, shear and
translation are composed into one affine map about the ink's centre of mass
(zoom and translation limited so the ink's bounding box stays on the canvas),
a Simard et al. (2003) elastic displacement field (uniform noise smoothed by a
Gaussian, done as ``G @ F @ G.T`` matrix products) is added, and the source is
read with bilinear interpolation, zeros outside, at the resulting coordinates.
Optionally, strokes are first made thicker or thinner
(``digitpad.data.ink.stroke_width``). The resampling itself lives in
``resampling``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from digitpad.data.augment.resampling import Workspace, fill_source_coordinates, sample_bilinear, workspace_for
from digitpad.data.ink.stroke_width import vary_thickness_into
from digitpad.data.ink.thresholds import AUGMENT_PROFILE_LEVEL

__all__ = [
    "AugmentConfig",
    "affine_matrices",
    "affine_source_grid",
    "augment_batch",
    "bilinear_sample",
]


# Batches are processed in chunks of at most this many images: it bounds the
# scratch memory (~50 KB per 28x28 image), keeps the working set in cache and
# keeps the float32 flat tap indices exact (below 2**24).
_CHUNK_IMAGES = 128


# Pixels kept clear between the transformed ink box (pixel centres) and the
# canvas edge: MNIST fits digits into the central 20x20 box, so they never touch
# the border, and bilinear blur spreads ink about one pixel further.
_CANVAS_MARGIN = 2.0


# The AugmentConfig fields that scale with strength; 0 switches each one off.
_MAGNITUDES = ("rotation_degrees", "scale", "shear_degrees", "shift_pixels", "elastic_alpha", "thickness")


@dataclass(frozen=True)
class AugmentConfig:
    """Magnitudes of the random distortions; all of them at 0 is the identity.

    ``scale`` draws a zoom factor uniform in ``[1 - scale, 1 + scale]`` and an
    independent aspect jitter ``a`` a third as large (width times ``1 + a``,
    height times ``1 - a``). ``thickness`` is the largest blend weight
    towards a dilated (thicker) or eroded (thinner) stroke: each image draws a
    weight uniform in ``[-thickness, thickness]`` whose sign picks dilation or
    erosion. ``probability`` is the chance that an image is augmented at all.
    """

    rotation_degrees: float = 12.0
    scale: float = 0.12
    shear_degrees: float = 10.0
    shift_pixels: float = 2.5
    elastic_alpha: float = 34.0
    elastic_sigma: float = 5.5
    thickness: float = 0.0
    probability: float = 1.0

    def __post_init__(self) -> None:
        for name in _MAGNITUDES:
            if not getattr(self, name) >= 0.0:
                raise ValueError(f"AugmentConfig.{name} must be >= 0, got {getattr(self, name)!r}")
        if not self.scale < 1.0:
            raise ValueError(f"AugmentConfig.scale must be < 1 to keep the zoom positive, got {self.scale!r}")
        if not self.shear_degrees < 90.0:
            raise ValueError(f"AugmentConfig.shear_degrees must be < 90, got {self.shear_degrees!r}")
        if not self.elastic_sigma > 0.0:
            raise ValueError(f"AugmentConfig.elastic_sigma must be > 0, got {self.elastic_sigma!r}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"AugmentConfig.probability must be in [0, 1], got {self.probability!r}")

    def scaled(self, strength: float) -> AugmentConfig:
        """The same config with every magnitude multiplied by ``strength``.

        ``elastic_sigma`` (a smoothness, not a magnitude) and ``probability``
        are kept, so ``scaled(0)`` is the identity and ``scaled(0.5)`` the same
        kind of distortion, half as strong.
        """
        if not strength >= 0.0:
            raise ValueError(f"strength must be >= 0, got {strength!r}")
        return replace(self, **{name: getattr(self, name) * strength for name in _MAGNITUDES})

    @property
    def is_identity(self) -> bool:
        """True when no image can change: every magnitude is 0, or the probability is."""
        return self.probability == 0.0 or all(getattr(self, name) == 0.0 for name in _MAGNITUDES)


def augment_batch(
    images: np.ndarray,
    rng: np.random.Generator,
    config: AugmentConfig = AugmentConfig(),
) -> np.ndarray:
    """Randomly distort a batch of digits.

    ``images`` is ``(B, H, W)`` or ``(B, H*W)`` with ``H == W`` in the flat
    case (MNIST: ``(B, 28, 28)`` or ``(B, 784)``), floating point in [0, 1],
    white ink on black. Returns a new array of the same shape and dtype with
    values in [0, 1]; the input is left untouched. All randomness is drawn from
    ``rng``, so equal generator states give equal results.
    """
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"images must be floating point in [0, 1], got dtype {images.dtype}")
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"flat images must have a square pixel count, got {images.shape[1]}")
        grid_shape = (images.shape[0], side, side)
    elif images.ndim == 3:
        grid_shape = images.shape
    else:
        raise ValueError(f"images must be (B, H, W) or (B, H*W), got shape {images.shape}")
    if config.is_identity or images.shape[0] == 0:
        return images.copy()

    source = images.reshape(grid_shape).astype(np.float32, copy=False)
    if config.probability < 1.0:
        chosen = rng.random(grid_shape[0]) < config.probability
        result = source.copy()
        if chosen.any():
            result[chosen] = _distort(source[chosen], rng, config)
    else:
        result = _distort(source, rng, config)
    return result.reshape(images.shape).astype(images.dtype, copy=False)


def _distort(images: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> np.ndarray:
    """Apply every distortion of ``config`` to ``(B, H, W)`` float32 images, chunk by chunk."""
    result = np.empty(images.shape, np.float32)
    for start in range(0, images.shape[0], _CHUNK_IMAGES):
        stop = start + _CHUNK_IMAGES
        _distort_chunk(images[start:stop], rng, config, result[start:stop])
    return result


def _distort_chunk(
    images: np.ndarray,
    rng: np.random.Generator,
    config: AugmentConfig,
    out: np.ndarray,
) -> None:
    """Distort at most ``_CHUNK_IMAGES`` ``(B, H, W)`` images into ``out``."""
    batch, height, width = images.shape
    workspace = workspace_for(batch, height, width)
    unit = rng.uniform(-1.0, 1.0, size=(7, batch))
    rotation_radians = np.deg2rad(config.rotation_degrees) * unit[0]
    zoom = 1.0 + config.scale * unit[1]
    aspect = (config.scale / 3.0) * unit[2]
    shear_radians = np.deg2rad(config.shear_degrees) * unit[3]
    translations = config.shift_pixels * unit[4:6].T
    thickness_weights = np.clip(config.thickness * unit[6], -1.0, 1.0)

    if config.thickness > 0.0:
        images = vary_thickness_into(images, thickness_weights, workspace.morphology_buffers())
    workspace.padded[:, 1:height + 1, 1:width + 1] = images

    forward = affine_matrices(rotation_radians, zoom * (1.0 + aspect), zoom * (1.0 - aspect), shear_radians)
    pivots, ink_boxes = _ink_centres_and_boxes(images)
    forward, translations = _fit_on_canvas(forward, pivots, ink_boxes, translations, height, width)
    fill_source_coordinates(workspace, forward, translations, pivots, rng, config.elastic_alpha,
                             config.elastic_sigma)
    sample_bilinear(workspace, out)


def affine_matrices(
    rotation_radians: np.ndarray,
    scale_x: np.ndarray,
    scale_y: np.ndarray,
    shear_radians: np.ndarray,
) -> np.ndarray:
    """Forward maps ``rotation @ shear @ diag(scale_x, scale_y)``, ``(B, 2, 2)`` float64.

    Points are ``(x, y)`` with x to the right and y *down* (array order), so
    a positive rotation turns the digit counter-clockwise as displayed and a
    positive shear slants its top to the right, like italics. The arguments
    are ``(B,)``.
    """
    cosine, sine = np.cos(rotation_radians), np.sin(rotation_radians)
    slant = np.tan(shear_radians)
    matrices = np.empty((np.shape(cosine)[0], 2, 2))
    matrices[:, 0, 0] = cosine * scale_x
    matrices[:, 0, 1] = (sine - cosine * slant) * scale_y
    matrices[:, 1, 0] = -sine * scale_x
    matrices[:, 1, 1] = (cosine + sine * slant) * scale_y
    return matrices


def affine_source_grid(
    forward_matrices: np.ndarray,
    translations: np.ndarray,
    pivots: np.ndarray,
    height: int,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each output pixel reads from under ``out = pivot + A @ (in - pivot) + t``.

    ``forward_matrices`` is ``(B, 2, 2)``; ``translations`` and ``pivots`` are
    ``(B, 2)`` as ``(x, y)`` pixels. Returns ``(source_x, source_y)``, each
    ``(B, height, width)`` float32, for use with ``bilinear_sample``.
    """
    workspace = Workspace(np.shape(forward_matrices)[0], height, width)
    fill_source_coordinates(workspace, forward_matrices, translations, pivots, None, 0.0, 1.0)
    grid = workspace.coordinates.transpose(1, 2, 0, 3)
    return grid[0].copy(), grid[1].copy()


def bilinear_sample(images: np.ndarray, source_x: np.ndarray, source_y: np.ndarray) -> np.ndarray:
    """Read ``(B, H, W)`` images at ``(B, H, W)`` source pixel coordinates.

    Bilinear interpolation, zeros outside the image. Returns a new
    ``(B, H, W)`` float32 array, clipped to [0, 1].
    """
    images = np.asarray(images, dtype=np.float32)
    result = np.empty(images.shape, np.float32)
    for start in range(0, images.shape[0], _CHUNK_IMAGES):
        chunk = slice(start, start + _CHUNK_IMAGES)
        batch, height, width = images[chunk].shape
        workspace = Workspace(batch, height, width)
        workspace.padded[:, 1:height + 1, 1:width + 1] = images[chunk]
        workspace.coordinates[:, 0] = np.asarray(source_x[chunk], np.float32).transpose(1, 0, 2)
        workspace.coordinates[:, 1] = np.asarray(source_y[chunk], np.float32).transpose(1, 0, 2)
        sample_bilinear(workspace, result[chunk])
    return result


def _ink_centres_and_boxes(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre of mass ``(B, 2)`` as ``(x, y)`` and ink bounding box ``(B, 4)`` as
    ``(x_min, y_min, x_max, y_max)`` of ``(B, H, W)`` images.

    Blank images get the canvas centre and the whole canvas as their box.
    """
    batch, height, width = images.shape
    # Matrix-vector products: ``sum(axis=...)`` over 28-long rows is 7x slower.
    column_profile = np.matmul(np.ones(height, np.float32), images)
    row_profile = (images.reshape(-1, width) @ np.ones(width, np.float32)).reshape(batch, height)
    total = column_profile.sum(axis=1, dtype=np.float64)
    has_ink = total > 0.0
    safe_total = np.where(has_ink, total, 1.0)
    centre_x = column_profile @ np.arange(width, dtype=np.float32) / safe_total
    centre_y = row_profile @ np.arange(height, dtype=np.float32) / safe_total
    centres = np.stack([np.where(has_ink, centre_x, (width - 1) / 2.0),
                        np.where(has_ink, centre_y, (height - 1) / 2.0)], axis=1)

    inked_columns = column_profile > AUGMENT_PROFILE_LEVEL
    inked_rows = row_profile > AUGMENT_PROFILE_LEVEL
    boxes = np.stack([
        inked_columns.argmax(axis=1),
        inked_rows.argmax(axis=1),
        width - 1 - inked_columns[:, ::-1].argmax(axis=1),
        height - 1 - inked_rows[:, ::-1].argmax(axis=1),
    ], axis=1).astype(np.float64)
    # argmax of an all-False row is 0, which would make a blank image's box a corner.
    blank = ~inked_columns.any(axis=1)
    boxes[blank] = (0.0, 0.0, width - 1.0, height - 1.0)
    return centres, boxes


def _fit_on_canvas(
    forward_matrices: np.ndarray,
    pivots: np.ndarray,
    ink_boxes: np.ndarray,
    translations: np.ndarray,
    height: int,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep each transformed ink box on the canvas, ``_CANVAS_MARGIN`` from the edge.

    Without this, zoom and rotation push tall digits past the edge and
    training sees cropped strokes that real input never has. A box that has
    grown too large for the canvas is shrunk (never below the size it had),
    then the ``(B, 2)`` translations are clamped so the box stays inside; a
    box that was too large to begin with is centred. Returns the adjusted
    ``(B, 2, 2)`` forward matrices and ``(B, 2)`` translations.
    """
    # A linear map sends a box with half-size h to one with half-size |A| @ h.
    half_size = (ink_boxes[:, 2:] - ink_boxes[:, :2]) / 2.0
    box_centre = (ink_boxes[:, 2:] + ink_boxes[:, :2]) / 2.0 - pivots
    moved_centre = (forward_matrices * box_centre[:, None, :]).sum(axis=2)
    moved_half_size = (np.abs(forward_matrices) * half_size[:, None, :]).sum(axis=2)

    canvas_size = np.array([width, height], dtype=np.float64)
    room = np.maximum(canvas_size - 1.0 - 2.0 * _CANVAS_MARGIN, 2.0 * half_size)
    shrink = np.minimum(1.0, (room / np.maximum(2.0 * moved_half_size, 1e-9)).min(axis=1))[:, None]
    moved_centre *= shrink
    moved_half_size *= shrink

    lowest = _CANVAS_MARGIN + moved_half_size - moved_centre - pivots
    highest = (canvas_size - 1.0 - _CANVAS_MARGIN) - moved_half_size - moved_centre - pivots
    fits = lowest <= highest
    translations = np.where(fits, np.clip(translations, lowest, np.maximum(lowest, highest)),
                            (lowest + highest) / 2.0)
    return forward_matrices * shrink[:, :, None], translations

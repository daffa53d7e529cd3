"""The resampling engine behind the distortions: per-thread scratch
workspaces (page-faulting fresh temporaries every batch costs more than the
arithmetic on this kind of machine), the source coordinates of every output
pixel — an affine map plus a Simard et al. (2003) elastic field computed as
``G @ F @ G.T`` matrix products — and bilinear reading at those coordinates,
zeros outside. Shapes are batch-first ``(B, H, W)``; everything is float32.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

import numpy as np

from digitpad.data.ink.stroke_width import morphology_buffers

# Workspaces kept per thread; training alternates between two batch shapes
# (full batches and the last, shorter one).
_CACHED_WORKSPACES = 4


# The elastic noise is drawn as random 64-bit words read as bytes, six times
# cheaper than float32 draws; as int8 plus one half they are uniform on 256
# levels symmetric within this bound (plenty once smoothed over ~100 pixels).
_NOISE_BYTE_HALF_RANGE = 127.5


@functools.lru_cache(maxsize=16)
def gaussian_smoothing_matrix(size: int, sigma: float) -> np.ndarray:
    """``(size, size)`` float32 symmetric ``G`` such that ``G @ v`` Gaussian-blurs ``v``.

    Zeros outside, kernel truncated at 4 sigma and normalised over its full
    support (like ``scipy.ndimage.gaussian_filter(mode="constant")``), so the
    elastic field fades towards the border instead of being amplified there.
    Cached and shared, hence read-only.
    """
    radius = int(4.0 * sigma + 0.5)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    positions = np.arange(size)
    distance = positions[:, None] - positions[None, :]
    matrix = np.where(np.abs(distance) <= radius, kernel[np.clip(distance + radius, 0, 2 * radius)], 0.0)
    matrix = matrix.astype(np.float32)
    matrix.flags.writeable = False
    return matrix


class Workspace:
    """Scratch buffers for one ``(batch, height, width)``.

    Coordinates live in ``(row, component, image, column)`` order, the layout
    in which the elastic smoothing comes out of its matrix products, so the
    only transpose is the final write of the ``(B, H, W)`` result.
    """

    def __init__(self, batch: int, height: int, width: int) -> None:
        # One zero row/column before the image and two after: coordinates are
        # clamped to [-1, size], whose taps (floor and floor + 1) then read zeros.
        self.shape = (batch, height, width)
        padded_height, padded_width = height + 3, width + 3
        self.padded = np.zeros((batch, padded_height, padded_width), np.float32)
        self.padded_width = padded_width
        self.noise = np.empty((height, 2, batch, width), np.float32)
        # Rows 0..H-1 hold column-smoothed noise, rows H and H+1 the affine
        # terms; see fill_source_coordinates.
        self.factors = np.empty((height + 2, 2, batch, width), np.float32)
        self.coordinates = np.empty((height, 2, batch, width), np.float32)
        self.floors = np.empty((height, 2, batch, width), np.float32)
        self.tap_index = np.empty((height, batch, width), np.intp)
        self.taps = np.empty((4, height, batch, width), np.float32)
        # Flat offset of each image's top-left pixel in the padded batch, spelt
        # out per pixel: adding a broadcast (1, B, 1) array is seven times slower.
        image_offsets = (np.arange(batch, dtype=np.float32) * (padded_height * padded_width)
                         + (padded_width + 1))
        self.image_offsets = np.ascontiguousarray(
            np.broadcast_to(image_offsets[:, None], (height, batch, width)))
        self._morphology: tuple[np.ndarray, ...] | None = None

    def morphology_buffers(self) -> tuple[np.ndarray, ...]:
        """Buffers for ``vary_thickness_into``, created on first use."""
        if self._morphology is None:
            self._morphology = morphology_buffers(*self.shape)
        return self._morphology


_thread_workspaces = threading.local()


def workspace_for(batch: int, height: int, width: int) -> Workspace:
    """This thread's cached workspace for the shape, so concurrent callers never share buffers."""
    cache = getattr(_thread_workspaces, "cache", None)
    if cache is None:
        cache = _thread_workspaces.cache = OrderedDict()
    key = (batch, height, width)
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = Workspace(batch, height, width)
        if len(cache) > _CACHED_WORKSPACES:
            cache.popitem(last=False)
    return cache[key]


def fill_source_coordinates(
    workspace: Workspace,
    forward_matrices: np.ndarray,
    translations: np.ndarray,
    pivots: np.ndarray,
    rng: np.random.Generator | None,
    elastic_alpha: float,
    elastic_sigma: float,
) -> None:
    """Write the source coordinates of every output pixel into ``workspace.coordinates``.

    ``in = A^-1 @ out + (pivot - A^-1 @ (pivot + t)) + elastic``. The affine
    part is ``c[b, k, w] + A^-1[b, k, 1] * h``: a term constant along rows
    and one linear in the row index, which ride along as two extra rows of
    the matrix product that smooths the noise along the rows, so the whole
    grid comes out of a single ``(H, H+2) @ (H+2, 2*B*W)`` product.
    """
    height, _, batch, width = workspace.coordinates.shape
    # Component-major (k, b) copies of A^-1's columns, ready to broadcast.
    determinant = (forward_matrices[:, 0, 0] * forward_matrices[:, 1, 1]
                   - forward_matrices[:, 0, 1] * forward_matrices[:, 1, 0])
    inverse_x_column = np.stack([forward_matrices[:, 1, 1], -forward_matrices[:, 1, 0]]) / determinant
    inverse_y_column = np.stack([-forward_matrices[:, 0, 1], forward_matrices[:, 0, 0]]) / determinant
    shifted_pivots = (pivots + translations).T
    offsets = pivots.T - inverse_x_column * shifted_pivots[0] - inverse_y_column * shifted_pivots[1]

    factors = workspace.factors
    factors[height] = inverse_x_column[:, :, None] * np.arange(width) + offsets[:, :, None]
    factors[height + 1] = inverse_y_column[:, :, None]
    mixing = np.empty((height, height + 2), np.float32)
    mixing[:, height] = 1.0
    mixing[:, height + 1] = np.arange(height)
    coordinates = workspace.coordinates.reshape(height, -1)

    if elastic_alpha > 0.0 and rng is not None:
        noise_words = rng.integers(0, 2**64, size=-(-workspace.noise.size // 8), dtype=np.uint64)
        noise_bytes = noise_words.view(np.int8)[:workspace.noise.size]
        np.add(noise_bytes, np.float32(0.5), out=workspace.noise.reshape(-1), dtype=np.float32)
        # G is symmetric, so F @ G is F smoothed along the columns, G @ F along the rows.
        np.matmul(workspace.noise.reshape(-1, width), gaussian_smoothing_matrix(width, elastic_sigma),
                  out=factors[:height].reshape(-1, width))
        mixing[:, :height] = gaussian_smoothing_matrix(height, elastic_sigma) * np.float32(
            elastic_alpha / _NOISE_BYTE_HALF_RANGE)
        np.matmul(mixing, factors.reshape(height + 2, -1), out=coordinates)
    else:
        np.matmul(mixing[:, height:], factors[height:].reshape(2, -1), out=coordinates)


def sample_bilinear(workspace: Workspace, out: np.ndarray) -> None:
    """Bilinearly read ``workspace.padded`` at ``workspace.coordinates`` into ``out`` ``(B, H, W)``.

    Consumes the coordinates (they become the interpolation fractions).
    """
    coordinates, floors = workspace.coordinates, workspace.floors
    _, _, _, width = coordinates.shape
    height = coordinates.shape[0]
    # Separate scalar clips: a broadcast bound array is ten times slower.
    np.clip(coordinates[:, 0], np.float32(-1.0), np.float32(width), out=coordinates[:, 0])
    np.clip(coordinates[:, 1], np.float32(-1.0), np.float32(height), out=coordinates[:, 1])
    np.floor(coordinates, out=floors)
    fractions = np.subtract(coordinates, floors, out=coordinates)
    # Flat index of the top-left tap, built in float32 (exact at chunk size).
    column, flat_index = floors[:, 0], floors[:, 1]
    np.multiply(flat_index, np.float32(workspace.padded_width), out=flat_index)
    flat_index += column
    flat_index += workspace.image_offsets
    np.copyto(workspace.tap_index, flat_index, casting="unsafe")

    # The other three taps are the same indices into views of the flat padded
    # batch that start 1, W+3 and W+4 elements later. The indices are in range
    # by construction; mode="wrap" merely skips numpy's buffered bounds check.
    flat = workspace.padded.reshape(-1)
    padded_width = workspace.padded_width
    top_left, top_right, bottom_left, bottom_right = workspace.taps
    for tap, start in zip(workspace.taps, (0, 1, padded_width, padded_width + 1)):
        np.take(flat[start:], workspace.tap_index, out=tap, mode="wrap")

    fraction_x, fraction_y = fractions[:, 0], fractions[:, 1]
    top = _lerp(top_left, top_right, fraction_x, out=top_right)
    bottom = _lerp(bottom_left, bottom_right, fraction_x, out=bottom_right)
    blended = _lerp(top, bottom, fraction_y, out=bottom)
    # Rounding in the interpolation can overshoot the inputs' range by an ulp;
    # the clip also moves the (row, image, column) result into (B, H, W) order.
    np.clip(blended, np.float32(0.0), np.float32(1.0), out=out.transpose(1, 0, 2))


def _lerp(start: np.ndarray, end: np.ndarray, fraction: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``start + fraction * (end - start)`` into ``out`` (which may be ``end``)."""
    np.subtract(end, start, out=end)
    np.multiply(end, fraction, out=end)
    return np.add(end, start, out=out)

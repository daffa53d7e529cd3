"""Turning a decoded picture, in whatever colour mode it came, into a 2-D
float32 greyscale array in [0, 1] as it looks: transparent areas are white
paper, 16-bit, integer and floating-point pictures are scaled by their range
(NaN is paper, infinities the extremes), and the picture shrinks to at most
``MAX_PICTURE_SIDE`` pixels a side while it is converted, a band of rows at a
time, so a huge photo never needs a second full-size copy. A mode with no
conversion raises ``UnsupportedColourMode``.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

# Pictures are shrunk to this longest side: plenty for finding a digit, and it
# keeps the rest of the work small for 100-megapixel photos.
MAX_PICTURE_SIDE = 1024


# Colour becomes grey this many pixels at a time, so the conversion never
# holds a second full-size copy of the picture.
BAND_PIXELS = 1 << 20


class UnsupportedColourMode(ValueError):
    """The picture's colour mode has no conversion to grey; the message names it."""


# -- colour to grey -----------------------------------------------------------------
def grey_from_picture(picture) -> np.ndarray:
    """A decoded Pillow image as a 2-D float32 array in [0, 1], as it looks,
    shrunk to at most ``MAX_PICTURE_SIDE`` a side. Raises
    ``UnsupportedColourMode`` for a colour mode it cannot convert."""
    from PIL import Image

    to_grey = _grey_converter(picture)
    width, height = picture.size
    # Averaging blocks of factor x factor pixels band by band leaves between
    # 1 and 2 times the final size for the high-quality resampling below.
    factor = max(1, max(width, height) // MAX_PICTURE_SIDE)
    rows_per_band = factor * max(1, BAND_PIXELS // (width * factor))
    bands = []
    for top in range(0, height, rows_per_band):
        band = picture.crop((0, top, width, min(height, top + rows_per_band)))
        bands.append(_block_mean(to_grey(band), factor))
    grey = np.concatenate(bands) if len(bands) > 1 else bands[0]
    if max(grey.shape) > MAX_PICTURE_SIDE:
        shrunk = Image.fromarray(np.ascontiguousarray(grey, dtype=np.float32))
        shrunk.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE), Image.Resampling.LANCZOS)
        grey = np.array(shrunk, dtype=np.float32)
    # Lanczos overshoots a little at sharp edges.
    return np.clip(grey, 0.0, 1.0, out=grey)


def _block_mean(image: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each ``factor`` x ``factor`` block (edges replicated to fill the last ones)."""
    if factor == 1:
        return image
    height, width = image.shape
    padded = np.pad(image, ((0, -height % factor), (0, -width % factor)), mode="edge")
    blocks = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    return blocks.mean(axis=(1, 3), dtype=np.float32)


def _grey_converter(picture) -> Callable:
    """A function from a band of ``picture`` (a Pillow image) to float32 grey in [0, 1]."""
    mode = picture.mode
    if mode == "La":                    # alpha-premultiplied grey: nothing in Pillow converts it
        return _premultiplied_grey_on_white
    if mode in ("RGBA", "RGBa", "LA", "PA") or (
            mode in ("1", "L", "P", "RGB") and (_has_transparency(picture))):
        return _composited_on_white
    if mode == "LAB":
        return lambda band: np.asarray(band.convert("RGB").convert("F"), dtype=np.float32) / 255
    if mode in ("1", "L", "P", "RGB", "RGBX", "CMYK", "YCbCr", "HSV"):
        return lambda band: np.asarray(band.convert("F"), dtype=np.float32) / 255
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _wide_value_converter(picture)
    raise UnsupportedColourMode(f"the picture's colour mode ({mode}) is not one digitpad can read")


def _has_transparency(picture) -> bool:
    return "transparency" in picture.info or (
        picture.mode == "P" and picture.palette is not None and picture.palette.mode.endswith("A"))


def _composited_on_white(band) -> np.ndarray:
    """Grey of a band with transparency, laid on white paper."""
    rgba = np.asarray(band.convert("RGBA"), dtype=np.float32)
    # The weights of Pillow's own RGB to L conversion (ITU-R 601-2 luma).
    luma = rgba[..., 0] * 0.299 + rgba[..., 1] * 0.587 + rgba[..., 2] * 0.114
    alpha = rgba[..., 3] / 255
    return (luma * alpha / 255 + (1.0 - alpha)).astype(np.float32)


def _premultiplied_grey_on_white(band) -> np.ndarray:
    values = np.asarray(band, dtype=np.float32)
    return np.clip((values[..., 0] + 255 - values[..., 1]) / 255, 0.0, 1.0)


def _wide_value_converter(picture) -> Callable:
    """Grey for 16-bit, 32-bit integer and floating-point pictures.

    16-bit pictures span 0..65535. Integer and float pictures have no fixed
    range, so theirs is judged from the finite values of the whole picture:
    0..1 (float only), 0..255 or 0..65535 when the values fit, else stretched
    from the smallest to the largest. NaN counts as bare paper, like a
    transparent pixel; infinities as the extremes.
    """
    transparent = picture.info.get("transparency")
    transparent = transparent if isinstance(transparent, int) else None
    if picture.mode.startswith("I;16"):
        low, span = 0.0, 65535.0
    else:
        low, span = _value_range(picture)

    def to_grey(band) -> np.ndarray:
        values = np.asarray(band)
        # Widening a signalling NaN raises the invalid-value flag; it is still a NaN.
        with np.errstate(invalid="ignore"):
            grey = (values.astype(np.float64) - low) / span
        grey = np.nan_to_num(grey, nan=1.0, posinf=1.0, neginf=0.0)
        if transparent is not None:
            grey[values == transparent] = 1.0
        return np.clip(grey, 0.0, 1.0).astype(np.float32)

    return to_grey


def _value_range(picture) -> tuple[float, float]:
    """``(low, span)`` mapping an integer or float picture's values to [0, 1]."""
    width, height = picture.size
    rows = max(1, BAND_PIXELS // width)
    low, high = math.inf, -math.inf
    for top in range(0, height, rows):
        with np.errstate(invalid="ignore"):
            values = np.asarray(picture.crop((0, top, width, min(height, top + rows))), dtype=np.float64)
        finite = values[np.isfinite(values)]
        if finite.size:
            low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    if low > high:                      # nothing finite at all
        return 0.0, 1.0
    for top_value in ((1.0,) if picture.mode == "F" else ()) + (255.0, 65535.0):
        if low >= 0 and high <= top_value:
            return 0.0, top_value
    return low, (high - low) or 1.0

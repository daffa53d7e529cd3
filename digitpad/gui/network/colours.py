"""The colours of every view inside the network, in one place so they all
read the same way: brightness says how much (ink in the input, activity in
a unit) and colour says which way — orange for what pushes a unit or a digit
up, blue for what holds it back. Orange and blue stay apart for the common
kinds of colour blindness, where red and green would not. The helpers turn
NumPy arrays into images through lookup tables, so a 32×32 layer costs
microseconds.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

PUSH = QColor(244, 128, 36)            # positive: pushes up, "for"
HOLD = QColor(58, 134, 232)            # negative: holds back, "against"
BACKGROUND = QColor(24, 27, 37)        # behind the network view
SILENT = QColor(44, 49, 64)            # a unit whose z ≤ 0 passes nothing on
DEAD = QColor(112, 36, 44)             # never active on any MNIST test digit
TEXT = QColor(214, 219, 230)           # captions on the dark background
FAINT_TEXT = QColor(150, 158, 176)
SELECTED = QColor(255, 214, 64)        # the unit picked by a click
NEUTRAL = QColor(12, 14, 20)           # zero in a signed picture (weights, pushes)


def _argb(colour: QColor) -> np.uint32:
    return np.uint32(0xFF000000 | (colour.red() << 16) | (colour.green() << 8) | colour.blue())


def _ramp(start: QColor, end: QColor, steps: int) -> np.ndarray:
    """``steps`` RGB rows (float) from ``start`` to ``end``."""
    fractions = np.linspace(0.0, 1.0, steps)[:, None]
    first = np.array([start.red(), start.green(), start.blue()], np.float64)
    last = np.array([end.red(), end.green(), end.blue()], np.float64)
    return first + (last - first) * fractions


def _pack(rgb: np.ndarray) -> np.ndarray:
    rgb = np.clip(np.rint(rgb), 0, 255).astype(np.uint32)
    return 0xFF000000 | (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


# Index 0: silent (exactly nothing); 1..255: a little to the most activity,
# from a dim grey that stands out from silent up to white.
_BRIGHTNESS = np.concatenate([[_argb(SILENT)], _pack(_ramp(QColor(78, 86, 104), QColor(255, 255, 255), 255))])
_DEAD_BRIGHTNESS = _BRIGHTNESS.copy()
_DEAD_BRIGHTNESS[0] = _argb(DEAD)


def image_from_argb(pixels: np.ndarray) -> QImage:
    """A QImage owning a copy of ``pixels`` ``(height, width)`` uint32 ARGB."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint32)
    height, width = pixels.shape
    return QImage(pixels.data, width, height, width * 4, QImage.Format.Format_RGB32).copy()


def brightness_pixels(values: np.ndarray, dead: np.ndarray | None = None) -> np.ndarray:
    """ARGB for ``values`` in [0, 1]: silent at exactly 0, then dim grey to
    white; where ``dead`` (a mask) is set, silence is drawn dark red."""
    values = np.asarray(values, dtype=np.float32)
    indices = np.where(values > 0, 1 + np.rint(np.clip(values, 0, 1) * 254), 0).astype(np.intp)
    pixels = _BRIGHTNESS[indices]
    if dead is not None:
        pixels = np.where(dead, _DEAD_BRIGHTNESS[indices], pixels)
    return pixels


def diverging_pixels(values: np.ndarray, limit: float, ink: np.ndarray | None = None) -> np.ndarray:
    """ARGB for signed ``values``: near-black at 0, orange up to ``+limit``,
    blue down to ``-limit``. With ``ink`` (the drawing, [0, 1]) the digit
    shows through in grey where the colours are faint, as the network sees
    it: light ink on black."""
    values = np.asarray(values, dtype=np.float32)
    strength = np.clip(np.abs(values) / max(float(limit), 1e-12), 0.0, 1.0)[..., None]
    base = np.empty(values.shape + (3,), np.float32)
    base[...] = (NEUTRAL.red(), NEUTRAL.green(), NEUTRAL.blue())
    if ink is not None:
        base += np.clip(np.asarray(ink, np.float32), 0, 1)[..., None] * 90.0
    push = np.array([PUSH.red(), PUSH.green(), PUSH.blue()], np.float32)
    hold = np.array([HOLD.red(), HOLD.green(), HOLD.blue()], np.float32)
    target = np.where(values[..., None] >= 0, push, hold)
    # A square root makes weak values visible without changing their order.
    return _pack(base + (target - base) * np.sqrt(strength))


def symmetric_limit(*arrays: np.ndarray, quantile: float = 0.995) -> float:
    """A common scale for diverging pictures: nearly the largest magnitude,
    so one extreme pixel does not wash everything else out."""
    magnitudes = np.concatenate([np.abs(np.asarray(array, np.float32)).ravel() for array in arrays])
    if magnitudes.size == 0:
        return 1.0
    limit = float(np.quantile(magnitudes, quantile))
    return limit if limit > 0 else float(magnitudes.max()) or 1.0


def mixed(start: QColor, end: QColor, fraction: float) -> QColor:
    """The colour ``fraction`` of the way from ``start`` to ``end``. Lines
    are faded this way rather than drawn see-through: blending each pixel
    of hundreds of smoothed lines costs a frame's worth of time."""
    return QColor(round(start.red() + (end.red() - start.red()) * fraction),
                  round(start.green() + (end.green() - start.green()) * fraction),
                  round(start.blue() + (end.blue() - start.blue()) * fraction))


def signed_colour(value: float) -> QColor:
    """PUSH for a positive value, HOLD for a negative one."""
    return QColor(PUSH) if value >= 0 else QColor(HOLD)

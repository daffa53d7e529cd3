"""The step-through's colours: a number's cell is tinted by its sign and
size — orange for positive, blue for negative, white for zero, stronger the
further from zero — on a scale chosen per kind of number, so a layer's
weights are compared with weights and its sums with sums. The strongest
tint stays light enough for dark text, and the two hues stay apart for
colour-blind readers (orange and blue, not red and green).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

POSITIVE = QColor(232, 118, 36)
NEGATIVE = QColor(45, 112, 214)
TEXT = QColor(20, 24, 32)
# The strongest tint mixes in this much of the hue: dark text stays readable.
STRONGEST = 0.72


def tint(value: float, scale: float) -> QColor:
    """White mixed with the hue of ``value``'s sign, in proportion to ``|value| / scale``."""
    if scale <= 0 or value == 0:
        return QColor(255, 255, 255)
    amount = min(1.0, abs(value) / scale) * STRONGEST
    hue = POSITIVE if value > 0 else NEGATIVE
    return QColor(round(255 + (hue.red() - 255) * amount), round(255 + (hue.green() - 255) * amount),
                  round(255 + (hue.blue() - 255) * amount))


def tint_array(values: np.ndarray, scale: float) -> np.ndarray:
    """``tint`` of every value at once: ``(…, 3)`` uint8 RGB."""
    values = np.asarray(values, dtype=np.float64)
    amount = np.clip(np.abs(values) / (scale if scale > 0 else 1.0), 0.0, 1.0)[..., None] * STRONGEST
    hue = np.where(values[..., None] > 0, [POSITIVE.red(), POSITIVE.green(), POSITIVE.blue()],
                   [NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue()])
    return np.round(255 + (hue - 255) * amount).astype(np.uint8)


def legend_html() -> str:
    """A one-line legend of the tints, for a label."""
    positive = tint(1, 1).name()
    negative = tint(-1, 1).name()
    swatch = "<span style='background:{}; color:{}'>&nbsp;{}&nbsp;</span>"
    return (f"Colours: {swatch.format(negative, TEXT.name(), 'negative')} "
            f"{swatch.format('#ffffff', TEXT.name(), '0')} "
            f"{swatch.format(positive, TEXT.name(), 'positive')} — the stronger, the further from 0")

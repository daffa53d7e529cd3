"""Recognising what is on the canvas: preprocess the ink the MNIST way
(``prepare_for_network``) and ask the model, returning the digit, its probabilities and the 28x28 image
the network saw. Blank (or speck-sized) ink gives no recognition at all,
never a confident guess about nothing. Qt-free, so the app, the benchmarks
and the evaluation scripts share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.data.preprocess import ink_bounding_box, prepare_for_network
from digitpad.nn import MLP

# A top probability below this is reported as "not sure".
NOT_SURE_BELOW = 0.6
# Ink smaller than this (pixels, longest side) is a speck, not a digit.
MIN_INK_EXTENT = 6


@dataclass(frozen=True)
class Recognition:
    digit: int
    probabilities: np.ndarray   # (10,) float32
    mnist_image: np.ndarray     # (28, 28) float32, what the network saw

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.digit])

    @property
    def unsure(self) -> bool:
        return self.confidence < NOT_SURE_BELOW

    def runner_up(self) -> int:
        return int(np.argsort(self.probabilities)[-2])


def recognise(model: MLP, ink: np.ndarray, min_extent: float = MIN_INK_EXTENT) -> Recognition | None:
    """Recognise one digit in ``ink`` (2-D, bright on dark, [0, 1]); None if there is none.

    Ink whose longest side is below ``min_extent`` pixels is a speck (a click,
    a dot of the pen) and is not recognised either.
    """
    box = ink_bounding_box(ink)
    if box is None:
        return None
    top, bottom, left, right = box
    if max(bottom - top, right - left) < max(min_extent, MIN_INK_EXTENT):
        return None
    mnist_image = prepare_for_network(ink)
    probabilities = model.predict_proba(mnist_image)[0]
    return Recognition(int(probabilities.argmax()), probabilities, mnist_image)

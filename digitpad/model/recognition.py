"""Recognising what is on the canvas: preprocess the ink the MNIST way
(``prepare_for_network``) and ask the model, returning the digit, its probabilities and the 28x28 image
the network saw. Blank (or speck-sized) ink gives no recognition at all,
never a confident guess about nothing. Qt-free, so the app, the benchmarks
and the evaluation scripts share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from digitpad.data.ink.network_input import ink_bounding_box, prepare_for_network
from digitpad.data.ink.thresholds import MIN_DIGIT_EXTENT, SPECK_PEN_WIDTHS
from digitpad.model.calibration import NOT_SURE_BELOW
from digitpad.nn import MLP

# A top (calibrated) probability below NOT_SURE_BELOW is reported as "not
# sure"; digitpad.model.calibration derives it.


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


def recognise(model: MLP, ink: np.ndarray, min_extent: float = MIN_DIGIT_EXTENT) -> Recognition | None:
    """Recognise one digit in ``ink`` (2-D, bright on dark, [0, 1]); None if there is none.

    Ink whose longest side is below ``min_extent`` pixels is a speck (a click,
    a dot of the pen) and is not recognised either.
    """
    box = ink_bounding_box(ink)
    if box is None:
        return None
    top, bottom, left, right = box
    if max(bottom - top, right - left) < max(min_extent, MIN_DIGIT_EXTENT):
        return None
    # The preprocessing crops to the ink anyway; handing it the crop spares it
    # scanning the whole canvas again.
    mnist_image = prepare_for_network(ink[top:bottom, left:right])
    probabilities = model.predict_proba(mnist_image)[0]
    return Recognition(int(probabilities.argmax()), probabilities, mnist_image)


# A cut into touching digits is kept only if every part reads at least this
# confidently and the parts together read clearly better than the whole.
# Both are judged on the network's probabilities as trained (T = 1), the
# scale they were tuned on, not on the calibrated ones shown: calibrated,
# whole and parts alike read nearly 1, the parts can seldom beat the whole
# by SPLIT_ADVANTAGE, and of 240 synthetic written numbers of 2-3 touching
# or close digits 96 were read right instead of 110 (95 with the minimum
# raised to the "not sure" line, 0.8). So the rule and its 0.6 are kept.
SPLIT_MIN_CONFIDENCE = 0.6
SPLIT_ADVANTAGE = 1.1


@dataclass(frozen=True)
class NumberRecognition:
    """Digits read left to right; ``boxes`` are ``(top, bottom, left, right)``
    in pixels of the ink image, one per digit."""

    digits: tuple[Recognition, ...]
    boxes: tuple[tuple[int, int, int, int], ...]

    @property
    def text(self) -> str:
        return "".join(str(recognition.digit) for recognition in self.digits)

    @property
    def confidence(self) -> float:
        """The least confident digit's confidence."""
        return min(recognition.confidence for recognition in self.digits)

    def __len__(self) -> int:
        return len(self.digits)


def _read(model: MLP, inks: list[np.ndarray]) -> list[Recognition]:
    images = np.stack([prepare_for_network(ink) for ink in inks])
    probabilities = model.predict_proba(images)
    return [Recognition(int(row.argmax()), row, image) for row, image in zip(probabilities, images)]


def _as_trained(recognition: Recognition, temperature: float) -> float:
    """``recognition``'s confidence at T = 1 (the network as trained): its
    calibrated probabilities ``softmax(z / T)`` raised to ``T`` and renormalised."""
    powered = np.asarray(recognition.probabilities, np.float64) ** temperature
    return float(powered[recognition.digit] / powered.sum())


def speck_extent(pen_widths: Sequence[float], device_scale: float = 1.0) -> float:
    """On the canvas, ink no larger than a dab of the widest pen used (in
    device pixels) is a speck, not a digit."""
    return SPECK_PEN_WIDTHS * max(pen_widths, default=0.0) * device_scale


def read_canvas(model: MLP, ink: np.ndarray, pen_widths: Sequence[float],
                device_scale: float = 1.0) -> NumberRecognition | None:
    """The canvas pipeline: the digits in the canvas's ``ink`` (device pixels),
    with dabs of the pens used dropped as specks."""
    return recognise_number(model, ink, speck_extent(pen_widths, device_scale))


def recognise_number(model: MLP, ink: np.ndarray,
                     min_extent: float = MIN_DIGIT_EXTENT) -> NumberRecognition | None:
    """Read every digit in ``ink`` (a written number, or a single digit);
    None if there is no digit-sized ink.

    A single digit is read exactly as :func:`recognise` reads it. Pieces of
    ink much wider than a digit are tried as touching digits, and cut where
    the parts read clearly better than the whole.
    """
    from digitpad.data.ink.segmentation import segment_digits, split_candidates

    segments = [segment for segment in segment_digits(ink)
                if max(segment.height, segment.width) >= max(min_extent, MIN_DIGIT_EXTENT)]
    if not segments:
        return None
    digits: list[Recognition] = []
    boxes: list[tuple[int, int, int, int]] = []
    for segment in segments:
        whole = recognise(model, ink, min_extent) if len(segments) == 1 else _read(model, [segment.ink])[0]
        if whole is None:
            continue
        best, best_boxes, best_score = [whole], [segment.box], _as_trained(whole, model.temperature)
        for pieces in split_candidates(segment):
            parts = _read(model, [piece.ink for piece in pieces])
            confidences = np.array([_as_trained(part, model.temperature) for part in parts])
            score = float(np.exp(np.log(confidences).mean()))
            if confidences.min() >= SPLIT_MIN_CONFIDENCE and score > best_score * SPLIT_ADVANTAGE:
                best, best_boxes, best_score = parts, [piece.box for piece in pieces], score
        digits += best
        boxes += best_boxes
    if not digits:
        return None
    return NumberRecognition(tuple(digits), tuple(boxes))

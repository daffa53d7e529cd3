"""How digitpad reads writers it has never seen: every digit of a stroke
collection (``digitpad.data.handwriting.collections``) is replayed through
the canvas's own path — scaled uniformly so that it is ``size`` canvas
pixels tall (or, for a digit wider than 1.5 times its height, 1.5 times
``size`` wide), placed with a margin on a canvas just large enough, drawn
with the canvas renderer at a pen width, and read by ``read_canvas``, so a
digit the app would read as two digits or not at all counts as wrong. The
model is asked once per condition for all the digits that read as one plain
digit (the common case), and ``read_canvas`` itself is run for the rest.
The report gives pooled accuracy, accuracy per writer, per style (when the
file names styles) and per condition (pen width and size).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol, Sequence

import numpy as np

from digitpad.data.handwriting.collections import WrittenDigit
from digitpad.data.ink.network_input import ink_bounding_box, prepare_for_network
from digitpad.data.ink.segmentation import segment_digits, split_candidates
from digitpad.data.ink.strokes import Stroke, render_strokes
from digitpad.data.ink.thresholds import MIN_DIGIT_EXTENT
from digitpad.model.recognition import read_canvas, speck_extent

# The app's default pen (logical pixels), and the digit heights measured by
# default: a digit written to fill much of the canvas, and a small one.
DEFAULT_PEN_WIDTH = 22.0
DEFAULT_SIZES = (250.0, 60.0)
CANVAS_MARGIN = 40.0
WIDEST = 1.5                 # a digit is at most this many times ``size`` wide
PEN_LIMITS = (1.0, 80.0)     # what the canvas accepts as a pen width
RECORDED = None              # a condition's pen width: the file's own, scaled with the digit


class Predictor(Protocol):
    def predict_proba(self, images: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Condition:
    """How digits are replayed: ``pen_width`` in canvas pixels (``RECORDED``
    for each digit's own pen, scaled with it) and digit ``size`` in pixels."""

    pen_width: float | None
    size: float

    @property
    def name(self) -> str:
        pen = "recorded pen" if self.pen_width is None else f"pen {self.pen_width:g} px"
        return f"{pen}, {self.size:g} px tall"


def replay_conditions(pen_widths: Sequence[float | None] = (DEFAULT_PEN_WIDTH,),
               sizes: Sequence[float] = DEFAULT_SIZES) -> list[Condition]:
    return [Condition(pen, size) for pen in pen_widths for size in sizes]


def canvas_strokes(digit: WrittenDigit, condition: Condition) -> tuple[list[Stroke], tuple[int, int]]:
    """The digit's strokes in canvas pixels and the ``(height, width)`` of the canvas."""
    left, top, width, height = digit.extent()
    scale = condition.size / height if height > 0 else math.inf
    if width * scale > WIDEST * condition.size:
        scale = WIDEST * condition.size / width
    if condition.pen_width is not None:
        pen = condition.pen_width
    else:
        pen = digit.pen_width * scale if digit.pen_width is not None else DEFAULT_PEN_WIDTH
    pen = float(np.clip(pen, *PEN_LIMITS))
    margin = CANVAS_MARGIN + pen
    strokes = []
    for points in digit.strokes:
        placed = points.astype(np.float64)
        placed[:, 0] = (placed[:, 0] - left) * scale + margin
        placed[:, 1] = (placed[:, 1] - top) * scale + margin
        strokes.append(Stroke(pen, placed.astype(np.float32)))
    return strokes, (math.ceil(height * scale + 2 * margin), math.ceil(width * scale + 2 * margin))


def canvas_ink(digit: WrittenDigit, condition: Condition) -> tuple[np.ndarray, list[float]]:
    """The canvas ink the digit leaves, and the pen widths used (for ``read_canvas``)."""
    strokes, (height, width) = canvas_strokes(digit, condition)
    return render_strokes(strokes, height, width), [stroke.width for stroke in strokes]


@dataclass
class Replayed:
    """A collection drawn under one condition. ``images`` are what the
    network sees for each digit read alone (zeros when there is no reading);
    ``plain`` marks digits the canvas reads as one digit from that image,
    ``unread`` those it does not read at all; the rest need ``read_canvas``."""

    condition: Condition
    images: np.ndarray
    plain: np.ndarray
    unread: np.ndarray


def replay(digits: Sequence[WrittenDigit], condition: Condition) -> Replayed:
    """Draw every digit and sort out how the canvas path will read it."""
    count = len(digits)
    images = np.zeros((count, 28, 28), np.float32)
    plain, unread = np.zeros(count, bool), np.zeros(count, bool)
    for index, digit in enumerate(digits):
        ink, widths = canvas_ink(digit, condition)
        # The same steps as ``recognise_number`` for a lone digit.
        min_extent = max(speck_extent(widths), MIN_DIGIT_EXTENT)
        segments = [segment for segment in segment_digits(ink)
                    if max(segment.height, segment.width) >= min_extent]
        box = ink_bounding_box(ink)
        if box is None or max(box[1] - box[0], box[3] - box[2]) < min_extent:
            unread[index] = len(segments) <= 1
            continue
        top, bottom, left, right = box
        images[index] = prepare_for_network(ink[top:bottom, left:right])
        if not segments:
            unread[index] = True
        elif len(segments) == 1 and not split_candidates(segments[0]):
            plain[index] = True
    return Replayed(condition, images, plain, unread)


def readings(predictor: Predictor, digits: Sequence[WrittenDigit], replayed: Replayed,
             indices: Sequence[int] | None = None) -> list[str]:
    """What the canvas shows for each digit in ``indices`` (all by default):
    the digits read, "" for no reading."""
    indices = np.arange(len(digits)) if indices is None else np.asarray(indices, dtype=np.int64)
    texts = [""] * len(indices)
    plain = np.flatnonzero(replayed.plain[indices])
    if len(plain):
        answers = predictor.predict_proba(replayed.images[indices[plain]]).argmax(axis=1)
        for position, answer in zip(plain, answers):
            texts[position] = str(int(answer))
    for position in np.flatnonzero(~replayed.plain[indices] & ~replayed.unread[indices]):
        ink, widths = canvas_ink(digits[indices[position]], replayed.condition)
        number = read_canvas(predictor, ink, widths)
        texts[position] = number.text if number is not None else ""
    return texts


@dataclass
class WriterReport:
    """Accuracies in [0, 1]; per writer and per style pooled over conditions."""

    digits: int
    conditions: list[str]
    pooled: float
    by_condition: dict[str, float]
    by_writer: dict[str, float]
    by_style: dict[str, float] = field(default_factory=dict)
    unread: int = 0                  # readings with no digit at all
    several: int = 0                 # readings of more than one digit
    writer_digits: dict[str, int] = field(default_factory=dict)

    def worst_writers(self, count: int = 10) -> list[tuple[str, float]]:
        return sorted(self.by_writer.items(), key=lambda item: (item[1], item[0]))[:count]

    def median_writer(self) -> tuple[str, float]:
        ranked = sorted(self.by_writer.items(), key=lambda item: (item[1], item[0]))
        return ranked[(len(ranked) - 1) // 2]

    def to_dict(self) -> dict:
        return {"digits": self.digits, "conditions": self.conditions, "pooled": self.pooled,
                "by_condition": self.by_condition, "by_writer": self.by_writer, "by_style": self.by_style,
                "worst_writers": [{"writer": name, "accuracy": value} for name, value in self.worst_writers()],
                "median_writer": dict(zip(("writer", "accuracy"), self.median_writer())),
                "unread": self.unread, "several": self.several, "writer_digits": self.writer_digits}


def _mean_by(keys: Sequence, correct: np.ndarray) -> dict:
    result = {}
    for key in dict.fromkeys(keys):
        result[key] = float(correct[np.array([item == key for item in keys])].mean())
    return result


def summarise(digits: Sequence[WrittenDigit], texts: dict[str, list[str]]) -> WriterReport:
    """The report from what the canvas read (``texts``: condition name -> one text per digit)."""
    names = list(texts)
    correct = np.array([[text == str(digit.label) for text, digit in zip(texts[name], digits)]
                        for name in names], dtype=bool)
    writers = [digit.writer for digit in digits] * len(names)
    styles = [digit.style for digit in digits] * len(names)
    flat = correct.ravel()
    by_style = {}
    if any(style is not None for style in styles):
        by_style = _mean_by([style or "(no style given)" for style in styles], flat)
    every = [text for name in names for text in texts[name]]
    return WriterReport(len(digits), names, float(flat.mean()),
                        {name: float(row.mean()) for name, row in zip(names, correct)},
                        _mean_by(writers, flat), by_style, unread=sum(text == "" for text in every),
                        several=sum(len(text) > 1 for text in every),
                        writer_digits=dict(Counter(digit.writer for digit in digits)))


def evaluate_writers(predictor: Predictor, digits: Sequence[WrittenDigit],
                     conditions: Sequence[Condition]) -> tuple[WriterReport, list[Replayed]]:
    """The report, and each condition's replayed digits (for the teaching simulation)."""
    drawn = [replay(digits, condition) for condition in conditions]
    texts = {replayed.condition.name: readings(predictor, digits, replayed) for replayed in drawn}
    return summarise(digits, texts), drawn

"""What the views inside the network read off a trace, without Qt: the grid
a layer is drawn as, what each input contributed to one unit (its weight
times what came in) and the strongest of those contributions, one unit's
numbers, and the explanation of an answer (the pixels for and against the
answer and the runner-up). Kept apart from the painting so the numbers can
be tested on their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from digitpad.inside import LayerTrace, LayerView, attributions
from digitpad.nn import MLP

# Connections drawn into a unit: enough to see a pattern, few enough to read.
TOP_CONNECTIONS = 150


def grid_shape(units: int) -> tuple[int, int]:
    """``(rows, columns)`` to draw ``units`` as: the most nearly square
    rectangle that holds them exactly (1024 → 32×32, 128 → 8×16), or, when
    the only exact ones are long thin strips (a prime number of units), a
    square grid with the last row part-filled."""
    if units <= 0:
        return 0, 0
    side = math.isqrt(units)
    for rows in range(side, 0, -1):
        if units % rows == 0:
            columns = units // rows
            if columns <= 2 * rows:
                return rows, columns
            break
    columns = math.ceil(math.sqrt(units))
    return math.ceil(units / columns), columns


def contributions(layer_trace: LayerTrace, unit: int) -> np.ndarray:
    """``(fan_in,)``: each input's push into ``unit`` — the input times the
    weight between them. With the bias they add up to the unit's ``z``."""
    return layer_trace.inputs * layer_trace.layer.weights[:, unit]


def strongest(values: np.ndarray, count: int = TOP_CONNECTIONS) -> np.ndarray:
    """Indices of the ``count`` largest ``|values|``, strongest first
    (zeros left out: nothing came through them)."""
    values = np.asarray(values)
    count = min(count, int(np.count_nonzero(values)))
    if count <= 0:
        return np.zeros(0, np.intp)
    chosen = np.argpartition(-np.abs(values), count - 1)[:count]
    return chosen[np.argsort(-np.abs(values[chosen]), kind="stable")]


@dataclass(frozen=True)
class UnitReading:
    """One unit's numbers for the current drawing (``z``, ``a`` None when nothing is drawn)."""

    layer: LayerView
    unit: int
    bias: float
    z: float | None
    a: float | None

    @property
    def is_active(self) -> bool:
        return self.z is not None and self.z > 0


def read_unit(layer: LayerView, unit: int, layer_trace: LayerTrace | None) -> UnitReading:
    if layer_trace is None:
        return UnitReading(layer, unit, float(layer.bias[unit]), None, None)
    return UnitReading(layer, unit, float(layer.bias[unit]), float(layer_trace.z[unit]),
                       float(layer_trace.a[unit]))


def unit_name(layer: LayerView, unit: int) -> str:
    """'unit 317 of hidden layer 1', 'the output unit for 4'."""
    return f"the output unit for {unit}" if layer.is_output else f"unit {unit} of {layer.name}"


def sentence(text: str) -> str:
    """``text`` with a capital first letter (and the rest as it is: 'MNIST' stays)."""
    return text[:1].upper() + text[1:]


def activity_words(fraction: float, count: int) -> str:
    """How often a unit is active, in words ('dead' when never)."""
    if fraction <= 0:
        return f"dead: never active on any of the {count:,} MNIST test digits"
    return f"active on {fraction:.1%} of the {count:,} MNIST test digits"


@dataclass(frozen=True)
class Explanation:
    """Why the network answered as it did: for the answer and the runner-up,
    how much each pixel pushed its score up or down."""

    image: np.ndarray               # (28, 28) what the network saw
    digits: tuple[int, ...]         # the answer, then the runner-up
    probabilities: np.ndarray       # (10,)
    maps: np.ndarray                # (len(digits), 28, 28) each pixel's push on each digit's score

    @property
    def totals(self) -> np.ndarray:
        """How much the drawing raised each digit's score above a blank canvas (the maps' sums)."""
        return self.maps.reshape(len(self.digits), -1).sum(axis=1)


def explain_answer(model: MLP, image: np.ndarray, probabilities: np.ndarray) -> Explanation:
    """The explanation of ``model``'s answer for ``image`` (``probabilities`` are its own)."""
    probabilities = np.asarray(probabilities, np.float64)
    digits = tuple(int(digit) for digit in np.argsort(-probabilities, kind="stable")[:2])
    image = np.asarray(image, np.float32).reshape(28, 28)
    return Explanation(image, digits, probabilities, attributions(model, image, list(digits)))

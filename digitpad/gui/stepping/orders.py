"""Which units and which inputs a layer's table shows first. A hidden layer
has 1,024 units of 784 or 1,024 inputs each — far more than fit on a
screen — so the table lists them in an order that puts the interesting ones
first, and the rest are a scroll away. Qt-free.

Units: most active first (largest output), the biggest push toward the
answer first, or simply in order. The push of unit ``j`` is its output
times how fast the answer's score grows with it (``a_j · ∂score/∂a_j``):
for the last hidden layer exactly what the unit adds to the score, for
earlier layers the same measure to first order. Inputs: largest first,
in order, or by the size of their product with the chosen unit's weight.
"""

from __future__ import annotations

import numpy as np

from digitpad.inside import Trace

# Unit orders: (key, label for the menu).
MOST_ACTIVE = "active"
ANSWER_PUSH = "push"
IN_ORDER = "order"
HIGHEST_SCORE = "score"
HIDDEN_UNIT_ORDERS = [(ANSWER_PUSH, "Biggest push to the answer"),
                      (MOST_ACTIVE, "Most active"),
                      (IN_ORDER, "In order")]
OUTPUT_UNIT_ORDERS = [(IN_ORDER, "In order"),
                      (HIGHEST_SCORE, "Highest score")]

# Input orders.
LARGEST_INPUT = "largest"
BIGGEST_PRODUCT = "product"
INPUT_ORDERS = [(LARGEST_INPUT, "Largest inputs"),
                (BIGGEST_PRODUCT, "Biggest products"),
                (IN_ORDER, "In order")]


def answer_push(recorded: Trace, layer_index: int) -> np.ndarray:
    """``(units,)``: ``a_j · ∂score/∂a_j`` for every unit of layer
    ``layer_index``, where the score is the answer's (the output layer's
    ``z`` for the digit the network gives)."""
    layers = recorded.layers
    # float32 like the weights: no float64 copy of a million weights per reading.
    gradient = np.zeros(len(layers[-1].z), dtype=layers[-1].z.dtype)
    gradient[recorded.digit] = 1.0
    for position in range(len(layers) - 1, layer_index, -1):
        step = layers[position]
        gradient = step.layer.weights @ (gradient * step.layer.derivative(step.z))
    return layers[layer_index].a * gradient


def unit_order(kind: str, recorded: Trace, layer_index: int) -> np.ndarray:
    """The units of layer ``layer_index`` in the order ``kind`` asks for."""
    step = recorded.layers[layer_index]
    if kind == MOST_ACTIVE:
        # Ties (all the silent units at 0) keep their order, by z then index.
        return np.lexsort((np.arange(len(step.z)), -step.z, -step.a))
    if kind == ANSWER_PUSH:
        return np.argsort(-answer_push(recorded, layer_index), kind="stable")
    if kind == HIGHEST_SCORE:
        return np.argsort(-step.z, kind="stable")
    return np.arange(len(step.z))


def input_order(kind: str, inputs: np.ndarray, weights: np.ndarray, unit: int) -> np.ndarray:
    """The inputs ``(fan_in,)`` in the order ``kind`` asks for; ``unit`` is
    the chosen unit (its column of ``weights``) for the products."""
    if kind == LARGEST_INPUT:
        return np.argsort(-inputs, kind="stable")
    if kind == BIGGEST_PRODUCT:
        return np.argsort(-np.abs(inputs * weights[:, unit]), kind="stable")
    return np.arange(len(inputs))

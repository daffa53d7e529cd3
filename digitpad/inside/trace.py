"""Following one image through the network: ``trace`` records, for every
layer, what came in, the weighted sums ``z = a_in @ W + b`` and the
activations ``a = f(z)``, then the softmax — the same numbers
``model.predict_proba`` computes, because the model's own layers compute
them. ``softmax_steps`` takes the softmax apart the way a textbook does:
subtract the largest score, divide by the temperature (the model's
calibration temperature unless told otherwise), exponentiate, add up,
divide, and measure how unsure the result is (its entropy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.inside.layers import LayerView, network_layers
from digitpad.nn import MLP


@dataclass(frozen=True)
class LayerTrace:
    layer: LayerView
    inputs: np.ndarray          # (fan_in,) what came into the layer
    z: np.ndarray               # (units,) weighted sums before the activation
    a: np.ndarray               # (units,) after the activation (= z for the output layer)


@dataclass(frozen=True)
class SoftmaxSteps:
    """The softmax of ``scores`` at ``temperature``, one step at a time."""

    scores: np.ndarray          # (10,) the output layer's z
    temperature: float
    shifted: np.ndarray         # (scores - max) / temperature: the largest is 0
    exponentials: np.ndarray    # exp(shifted), each in (0, 1]
    total: float                # their sum
    probabilities: np.ndarray   # exponentials / total
    entropy_bits: float         # -sum p log2 p: 0 = certain, log2(10) = 3.32 = no idea


@dataclass(frozen=True)
class Trace:
    image: np.ndarray           # (784,) the input, values in [0, 1]
    layers: tuple[LayerTrace, ...]
    softmax: SoftmaxSteps

    @property
    def probabilities(self) -> np.ndarray:
        return self.softmax.probabilities

    @property
    def digit(self) -> int:
        return int(self.softmax.probabilities.argmax())


def softmax_steps(scores: np.ndarray, temperature: float = 1.0) -> SoftmaxSteps:
    """The softmax of ``scores`` (``(K,)``), step by step, in float64."""
    if not temperature > 0:
        raise ValueError(f"the temperature must be positive, got {temperature}")
    scores = np.asarray(scores, dtype=np.float64)
    # Subtracting the largest score first keeps exp from overflowing and
    # changes nothing: the factor exp(-max) cancels in the division.
    shifted = (scores - scores.max()) / temperature
    exponentials = np.exp(shifted)
    total = float(exponentials.sum())
    probabilities = exponentials / total
    nonzero = probabilities[probabilities > 0]
    entropy = float(-(nonzero * np.log2(nonzero)).sum())
    return SoftmaxSteps(scores, float(temperature), shifted, exponentials, total, probabilities, entropy)


def trace(model: MLP, image: np.ndarray, temperature: float | None = None) -> Trace:
    """Every layer's input, ``z`` and ``a`` for one image (``(28, 28)`` or
    ``(784,)`` in [0, 1], bright ink on black), and the softmax at
    ``temperature`` (by default the model's calibration temperature: what
    ``predict_proba`` reports)."""
    if temperature is None:
        temperature = model.temperature
    flat = np.asarray(image, dtype=np.float32).reshape(-1)
    if flat.shape != (model.input_size,):
        raise ValueError(f"expected an image of {model.input_size} pixels, got shape {np.shape(image)}")
    records = []
    inputs = flat[None, :]
    for layer in network_layers(model):
        z = layer.dense.forward(inputs)
        a = layer.apply_activation(z)
        records.append(LayerTrace(layer, inputs[0], z[0], a[0]))
        inputs = a
    return Trace(flat, tuple(records), softmax_steps(records[-1].z, temperature))

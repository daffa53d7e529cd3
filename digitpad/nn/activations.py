"""Element-wise activation layers: ReLU, LeakyReLU, Sigmoid and Tanh. Each
caches in a training-mode ``forward`` the one array its derivative needs (the
output for ReLU, Sigmoid and Tanh, whose derivatives are functions of the
output; the input for LeakyReLU) and nothing else.
"""

from __future__ import annotations

import numpy as np

from digitpad.nn.layers import Layer


class ReLU(Layer):
    """max(x, 0); the derivative is 1 where the output is positive."""

    def __init__(self) -> None:
        self._outputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        outputs = np.maximum(inputs, 0)
        if training:
            self._outputs = outputs
        return outputs

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        grad_input = np.multiply(grad_output, self._outputs > 0)
        self._outputs = None
        return grad_input


class LeakyReLU(Layer):
    """x for x > 0, ``negative_slope * x`` otherwise, so units never die."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        if not 0.0 <= negative_slope < 1.0:
            raise ValueError(f"negative_slope must be in [0, 1), got {negative_slope}")
        self.negative_slope = negative_slope
        self._inputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        if training:
            self._inputs = inputs
        return np.where(inputs > 0, inputs, inputs * inputs.dtype.type(self.negative_slope))

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        slope = grad_output.dtype.type(self.negative_slope)
        grad_input = np.where(self._inputs > 0, grad_output, grad_output * slope)
        self._inputs = None
        return grad_input

    def describe(self) -> dict:
        return {"type": "leakyrelu", "negative_slope": self.negative_slope}


class Sigmoid(Layer):
    """1 / (1 + exp(-x)), computed without overflow for large |x|."""

    def __init__(self) -> None:
        self._outputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        # exp(-|x|) never overflows; the two branches rebuild the sigmoid from it.
        exp_neg_abs = np.exp(-np.abs(inputs))
        outputs = np.where(inputs >= 0, 1 / (1 + exp_neg_abs), exp_neg_abs / (1 + exp_neg_abs))
        if training:
            self._outputs = outputs
        return outputs

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        outputs = self._outputs
        self._outputs = None
        return grad_output * outputs * (1 - outputs)


class Tanh(Layer):
    """Hyperbolic tangent; the derivative is 1 - tanh(x)^2."""

    def __init__(self) -> None:
        self._outputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        outputs = np.tanh(inputs)
        if training:
            self._outputs = outputs
        return outputs

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        outputs = self._outputs
        self._outputs = None
        return grad_output * (1 - outputs * outputs)


ACTIVATIONS = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
}


def make_activation(name: str, negative_slope: float = 0.01) -> Layer:
    """Build an activation layer from its name (as used in configs and checkpoints)."""
    if name == "leaky_relu":
        return LeakyReLU(negative_slope)
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        ) from None

"""Element-wise activation layers: ReLU, LeakyReLU, Sigmoid and Tanh, and
``ACTIVATIONS``, the table that registers them under the names configs,
specs and checkpoints use. Each caches in a training-mode ``forward`` the one
array its derivative needs (the output for ReLU, Sigmoid and Tanh, whose
derivatives are functions of the output; the input for LeakyReLU) and
nothing else. A new activation is one class here and one line in
``ACTIVATIONS``; ``textbook.py`` shows each function and its derivative
written plainly.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from digitpad.nn.layers import Layer, SpecField


class Activation(Layer):
    """An element-wise function ``y = f(x)``, so ``dx = dy * f'(x)``.

    ``preferred_initializer`` is the weight initialisation that keeps the
    variance of this function's inputs steady from layer to layer.
    """

    preferred_initializer: ClassVar[str] = "xavier_normal"

    def derivative(self, inputs: np.ndarray) -> np.ndarray:
        """``f'(x)`` element-wise, without touching the layer's cache: for
        explaining a prediction while the same layer serves the app."""
        raise NotImplementedError


class ReLU(Activation):
    """max(x, 0); the derivative is 1 where the output is positive."""

    type_name = "relu"
    preferred_initializer = "he_normal"

    def __init__(self) -> None:
        self._outputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        outputs = np.maximum(inputs, 0)
        if training:
            self._outputs = outputs
        return outputs

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        # dx = dy * (y > 0), written over dy (which ``Layer.backward`` allows):
        # no new (N, features) array on every step.
        grad_output *= self._outputs > 0
        self._outputs = None
        return grad_output

    def derivative(self, inputs: np.ndarray) -> np.ndarray:
        return (inputs > 0).astype(inputs.dtype)


class LeakyReLU(Activation):
    """x for x > 0, ``negative_slope * x`` otherwise, so units never die."""

    type_name = "leaky_relu"
    preferred_initializer = "he_normal"
    spec_fields = {"negative_slope": SpecField(float, minimum=0.0, maximum=1.0,
                                               exclusive_maximum=True, default=0.01)}

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

    def derivative(self, inputs: np.ndarray) -> np.ndarray:
        return np.where(inputs > 0, inputs.dtype.type(1), inputs.dtype.type(self.negative_slope))


class Sigmoid(Activation):
    """1 / (1 + exp(-x)), computed without overflow for large |x|; the
    derivative is ``y (1 - y)``."""

    type_name = "sigmoid"

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

    def derivative(self, inputs: np.ndarray) -> np.ndarray:
        outputs = self.forward(inputs)
        return outputs * (1 - outputs)


class Tanh(Activation):
    """Hyperbolic tangent; the derivative is 1 - tanh(x)^2."""

    type_name = "tanh"

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

    def derivative(self, inputs: np.ndarray) -> np.ndarray:
        outputs = np.tanh(inputs)
        return 1 - outputs * outputs


# The registration: the names a config, a spec or a checkpoint may use.
ACTIVATIONS: dict[str, type[Activation]] = {
    activation.type_name: activation for activation in (ReLU, LeakyReLU, Sigmoid, Tanh)
}


def activation_type(name: str) -> type[Activation]:
    """The activation class called ``name``, or ``ValueError`` listing the valid names."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        ) from None


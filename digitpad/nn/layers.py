"""The layer protocol and the layers that hold or reshape data: ``Parameter``
(a value with its gradient), the ``Layer`` base class, the fully connected
``Dense`` layer and inverted ``Dropout``. Shapes are batch-first: inputs are
``(N, features)``. A layer caches in ``forward`` (only when training) exactly
what its ``backward`` needs, so that inference is a pure function that can run
on any thread while the same layer object is idle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.nn.initializers import get_initializer


@dataclass(eq=False)
class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    ``grad`` has the same shape and dtype as ``value`` and is overwritten (not
    accumulated) by each ``backward`` call.
    """

    name: str
    value: np.ndarray
    grad: np.ndarray

    @classmethod
    def of(cls, name: str, value: np.ndarray) -> "Parameter":
        return cls(name, value, np.zeros_like(value))


class Layer:
    """Base class: a differentiable function of a batch ``(N, in) -> (N, out)``."""

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> np.ndarray | None:
        """Gradient w.r.t. the input of the last training-mode ``forward``.

        Fills the ``grad`` of this layer's parameters as a side effect.
        """
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        return []

    def describe(self) -> dict:
        """A JSON-able description used in checkpoints and model info."""
        return {"type": type(self).__name__.lower()}


class Dense(Layer):
    """Fully connected layer ``outputs = inputs @ weight + bias``.

    ``weight`` is ``(in_features, out_features)`` and ``bias`` is
    ``(out_features,)``. When ``needs_input_grad`` is False (the first layer of
    a network, whose input is data), ``backward`` skips the ``grad @ W.T``
    product: it is a third of that layer's backward cost and nobody uses it.
    """

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator,
                 initializer: str = "he_normal", dtype: np.dtype = np.float32,
                 needs_input_grad: bool = True) -> None:
        if in_features <= 0 or out_features <= 0:
            raise ValueError(f"layer sizes must be positive, got {in_features}x{out_features}")
        self.in_features = in_features
        self.out_features = out_features
        self.needs_input_grad = needs_input_grad
        init = get_initializer(initializer)
        self.weight = Parameter.of("weight", init(in_features, out_features, rng, dtype))
        self.bias = Parameter.of("bias", np.zeros(out_features, dtype=dtype))
        self._inputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        outputs = inputs @ self.weight.value
        outputs += self.bias.value
        if training:
            self._inputs = inputs
        return outputs

    def backward(self, grad_output: np.ndarray) -> np.ndarray | None:
        if self._inputs is None:
            raise RuntimeError("Dense.backward called without a training-mode forward")
        # Writing straight into the existing gradient buffers avoids allocating
        # a weight-sized array on every step.
        np.matmul(self._inputs.T, grad_output, out=self.weight.grad)
        np.sum(grad_output, axis=0, out=self.bias.grad)
        self._inputs = None
        if not self.needs_input_grad:
            return None
        return grad_output @ self.weight.value.T

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]

    def describe(self) -> dict:
        return {"type": "dense", "in_features": self.in_features,
                "out_features": self.out_features}


class Dropout(Layer):
    """Inverted dropout: zero each unit with probability ``rate`` while
    training and scale the survivors by ``1 / (1 - rate)``, so that evaluation
    is the identity and needs no rescaling.
    """

    def __init__(self, rate: float) -> None:
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate = rate
        self._mask: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        if not training or self.rate == 0.0:
            self._mask = None
            return inputs
        if rng is None:
            raise ValueError("Dropout needs a random generator in training mode")
        keep = 1.0 - self.rate
        # The mask already carries the 1/keep scale, so backward is one multiply.
        mask = (rng.random(inputs.shape, dtype=np.float32) < keep).astype(inputs.dtype)
        mask *= inputs.dtype.type(1.0 / keep)
        self._mask = mask
        return inputs * mask

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return grad_output
        grad_input = grad_output * self._mask
        self._mask = None
        return grad_input

    def describe(self) -> dict:
        return {"type": "dropout", "rate": self.rate}

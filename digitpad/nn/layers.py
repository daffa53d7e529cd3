"""The layer protocol and the layers that hold or reshape data: ``Parameter``
(a value with its gradient), the ``Layer`` base class, the fully connected
``Dense`` layer and inverted ``Dropout``. Shapes are batch-first: inputs are
``(N, features)``. A layer caches in ``forward`` (only when training) exactly
what its ``backward`` needs, so that inference is a pure function that can run
on any thread while the same layer object is idle. Every layer type also
describes itself as a *spec*, a small JSON-able dict such as
``{"type": "dense", "out_features": 512}``: ``SpecField`` declares each
setting a spec holds, ``Layer.from_spec`` builds the layer from one and
``Layer.spec`` gives it back, which is how networks are described, checked
and saved (see ``registry.py``). ``textbook.py`` writes the same maths out
plainly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

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


_REQUIRED = object()


@dataclass(frozen=True)
class SpecField:
    """One setting of a layer spec: its JSON type (``int``, ``float``, ``bool``
    or ``str``), its range or choices, and its default (none: required).

    Specs in code and specs read from checkpoints are both checked against
    these declarations, so a layer type states its settings once.
    """

    kind: type
    minimum: float | None = None
    maximum: float | None = None
    exclusive_maximum: bool = False
    choices: tuple[str, ...] | None = None
    default: Any = _REQUIRED

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    def describe(self) -> str:
        """What a valid value is, in words (used in error messages)."""
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        words = {int: "an integer", float: "a number", bool: "true or false", str: "text"}[self.kind]
        if self.minimum is not None and self.maximum is not None:
            return f"{words} in [{self.minimum:g}, {self.maximum:g}{')' if self.exclusive_maximum else ']'}"
        if self.minimum is not None:
            return f"{words} of at least {self.minimum:g}"
        if self.maximum is not None:
            return f"{words} {'below' if self.exclusive_maximum else 'of at most'} {self.maximum:g}"
        return words

    def check(self, value: Any, where: str) -> Any:
        """``value`` as this field's type, or ``ValueError`` naming ``where``."""
        given = value
        if isinstance(value, np.generic):
            value = value.item()        # a NumPy scalar counts as the Python value it holds
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            try:
                value = float(value)
            except OverflowError:       # an integer too large for a float
                value = math.inf
        valid = isinstance(value, self.kind) and (self.kind is bool or not isinstance(value, bool))
        if valid and self.kind in (int, float):
            valid = ((self.kind is int or math.isfinite(value))
                     and (self.minimum is None or value >= self.minimum)
                     and (self.maximum is None or value < self.maximum
                          or (value == self.maximum and not self.exclusive_maximum)))
        if valid and self.choices is not None:
            valid = value in self.choices
        if not valid:
            shown = f"a {type(given).__name__}" if isinstance(given, (dict, list, tuple)) else repr(given)
            shown = shown if len(shown) <= 60 else shown[:60] + "…"
            raise ValueError(f"{where} must be {self.describe()}, got {shown}")
        return value


@dataclass(frozen=True)
class BuildContext:
    """What building a layer may need beyond its spec: the generator and
    initialiser for its weights, their dtype, and whether anything below it
    learns (if not, its ``backward`` need not compute the input gradient)."""

    rng: np.random.Generator
    dtype: np.dtype = np.dtype(np.float32)
    initializer: str = "he_normal"
    needs_input_grad: bool = True


class Layer:
    """Base class: a differentiable function of a batch ``(N, in) -> (N, out)``.

    A layer type names itself in specs by ``type_name`` and declares its
    settings in ``spec_fields``; each setting is also an attribute of the
    layer, which is what lets the defaults below build and describe it.
    """

    type_name: ClassVar[str] = ""
    spec_fields: ClassVar[Mapping[str, SpecField]] = {}

    def forward(self, inputs: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> np.ndarray | None:
        """Gradient w.r.t. the input of the last training-mode ``forward``.

        Fills the ``grad`` of this layer's parameters as a side effect. It may
        overwrite ``grad_output`` and return it: that array is the layer
        above's result, needed by nobody else (``MLP.backward`` never passes
        on its caller's array), so element-wise layers need no new array.
        """
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        return []

    # -- the spec protocol -------------------------------------------------
    @classmethod
    def from_spec(cls, spec: Mapping, in_features: int, context: BuildContext) -> "Layer":
        """Build from a checked spec (see ``registry.check_spec``)."""
        return cls(**{name: spec[name] for name in cls.spec_fields})

    def spec(self) -> dict:
        """The JSON-able spec that :meth:`from_spec` rebuilds this layer from."""
        return {"type": self.type_name, **{name: getattr(self, name) for name in self.spec_fields}}

    @classmethod
    def output_features(cls, spec: Mapping, in_features: int) -> int:
        """Features per example that come out, for ``in_features`` going in."""
        return in_features

    @classmethod
    def parameter_count(cls, spec: Mapping, in_features: int) -> int:
        """Trainable numbers this layer would hold, known without allocating them."""
        return 0


class Dense(Layer):
    """Fully connected layer ``outputs = inputs @ weight + bias``.

    ``weight`` is ``(in_features, out_features)`` and ``bias`` is
    ``(out_features,)``. With ``Z = X W + b`` the backward pass is
    ``dW = X^T dZ``, ``db = sum over the batch of dZ`` and ``dX = dZ W^T``.
    When ``needs_input_grad`` is False (the first layer of a network, whose
    input is data), ``backward`` skips the ``dZ W^T`` product: it is a third
    of that layer's backward cost and nobody uses it.
    """

    type_name = "dense"
    spec_fields = {"out_features": SpecField(int, minimum=1)}

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

    @classmethod
    def from_spec(cls, spec: Mapping, in_features: int, context: BuildContext) -> "Dense":
        return cls(in_features, spec["out_features"], context.rng, context.initializer,
                   context.dtype, needs_input_grad=context.needs_input_grad)

    @classmethod
    def output_features(cls, spec: Mapping, in_features: int) -> int:
        return spec["out_features"]

    @classmethod
    def parameter_count(cls, spec: Mapping, in_features: int) -> int:
        return in_features * spec["out_features"] + spec["out_features"]

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


class Dropout(Layer):
    """Inverted dropout: zero each unit with probability ``rate`` while
    training and scale the survivors by ``1 / (1 - rate)``, so that evaluation
    is the identity and needs no rescaling. With the mask ``M`` (0 or
    ``1 / (1 - rate)`` per unit), ``Y = X * M`` and ``dX = dY * M``.
    """

    type_name = "dropout"
    spec_fields = {"rate": SpecField(float, minimum=0.0, maximum=1.0, exclusive_maximum=True)}

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

    @property
    def mask(self) -> np.ndarray | None:
        """The mask of the last training-mode ``forward``, kept until ``backward``:
        0 for a dropped unit, ``1 / (1 - rate)`` for a kept one; None otherwise."""
        return self._mask

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return grad_output
        grad_input = grad_output * self._mask
        self._mask = None
        return grad_input

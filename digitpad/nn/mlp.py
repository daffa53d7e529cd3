"""The multilayer perceptron container: a stack of ``Dense`` layers with an
activation (and optional dropout) between them, built from a small JSON-able
architecture description so that checkpoints can rebuild it exactly. This is
the model object the rest of digitpad talks to: ``predict_proba`` and
``predict`` are its public inference API, ``parameters``/``state_dict`` its
training and persistence API.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from digitpad.nn.activations import ACTIVATIONS, make_activation
from digitpad.nn.layers import Dense, Dropout, Layer, Parameter
from digitpad.nn.losses import softmax

# The largest network digitpad builds, trains, saves or loads. Every path that
# creates one checks these, so a file or an option cannot make it allocate
# gigabytes, and the trainer never writes a checkpoint the loader refuses.
MAX_HIDDEN_LAYERS = 16
MAX_LAYER_SIZE = 16384
MAX_PARAMETERS = 50_000_000


def parameter_count(input_size: int, hidden_sizes: Sequence[int], num_classes: int) -> int:
    """Weights and biases of an MLP with these layer sizes (no allocation)."""
    sizes = (input_size, *hidden_sizes, num_classes)
    return sum(fan_in * fan_out + fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))


def check_layer_sizes(input_size: int, hidden_sizes: Sequence[int], num_classes: int) -> None:
    """Raise ``ValueError`` unless these sizes make a network within the limits above."""
    sizes = (input_size, *hidden_sizes, num_classes)
    if not all(isinstance(size, (int, np.integer)) and not isinstance(size, bool) for size in sizes):
        raise ValueError("layer sizes must be integers")
    if input_size <= 0 or num_classes <= 1 or any(size <= 0 for size in hidden_sizes):
        raise ValueError("layer sizes must be positive and there must be at least 2 classes")
    if len(hidden_sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers are supported, got {len(hidden_sizes)}")
    if max(sizes) > MAX_LAYER_SIZE:
        raise ValueError(f"layers of at most {MAX_LAYER_SIZE:,} units are supported, got {max(sizes):,}")
    count = parameter_count(input_size, hidden_sizes, num_classes)
    if count > MAX_PARAMETERS:
        raise ValueError(f"at most {MAX_PARAMETERS:,} parameters are supported, "
                         f"these layer sizes need {count:,}")


# Inference runs in chunks so that scoring a 60,000-image set never builds a
# (60000, hidden) activation matrix per layer at once.
_INFERENCE_CHUNK = 4096


class MLP:
    """``input_size -> hidden_sizes... -> num_classes`` fully connected network.

    Each hidden layer is Dense -> activation -> Dropout (when ``dropout`` > 0).
    Parameters are float32 by default; pass ``dtype=np.float64`` for gradient
    checks. ``rng`` seeds the initial weights and, unless replaced via the
    ``rng`` attribute, draws the dropout masks.
    """

    def __init__(self, input_size: int = 784, hidden_sizes: Sequence[int] = (512, 256),
                 num_classes: int = 10, activation: str = "relu", dropout: float = 0.0,
                 *, negative_slope: float = 0.01, initializer: str | None = None,
                 rng: np.random.Generator | None = None, dtype: np.dtype = np.float32) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
            )
        check_layer_sizes(input_size, tuple(hidden_sizes), num_classes)
        self.input_size = int(input_size)
        self.hidden_sizes = tuple(int(size) for size in hidden_sizes)
        self.num_classes = int(num_classes)
        self.activation = activation
        self.dropout = float(dropout)
        self.negative_slope = float(negative_slope)
        self.dtype = np.dtype(dtype)
        if initializer is None:
            # He for the ReLU family, Xavier for the symmetric saturating ones.
            initializer = "he_normal" if activation in ("relu", "leaky_relu") else "xavier_normal"
        self.rng = rng if rng is not None else np.random.default_rng()
        self.training = False

        self.layers: list[Layer] = []
        sizes = (self.input_size, *self.hidden_sizes, self.num_classes)
        for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Dense(fan_in, fan_out, self.rng, initializer, self.dtype,
                                     needs_input_grad=index > 0))
            if index < len(sizes) - 2:
                self.layers.append(make_activation(activation, self.negative_slope))
                if self.dropout > 0:
                    self.layers.append(Dropout(self.dropout))
        # Dotted names are the keys of state dicts and checkpoints.
        for layer_index, layer in enumerate(self.layers):
            for parameter in layer.parameters():
                parameter.name = f"layers.{layer_index}.{parameter.name}"

    # -- architecture ----------------------------------------------------
    def architecture(self) -> dict:
        """The JSON-able description :meth:`from_architecture` rebuilds from."""
        return {
            "input_size": self.input_size,
            "hidden_sizes": list(self.hidden_sizes),
            "num_classes": self.num_classes,
            "activation": self.activation,
            "dropout": self.dropout,
            "negative_slope": self.negative_slope,
        }

    @classmethod
    def from_architecture(cls, architecture: Mapping, *, rng: np.random.Generator | None = None,
                          dtype: np.dtype = np.float32, initializer: str | None = None) -> "MLP":
        """Rebuild from :meth:`architecture`; ``initializer="zeros"`` when the
        weights are loaded straight afterwards."""
        return cls(architecture["input_size"], architecture["hidden_sizes"],
                   architecture["num_classes"], architecture["activation"],
                   architecture.get("dropout", 0.0),
                   negative_slope=architecture.get("negative_slope", 0.01),
                   initializer=initializer, rng=rng, dtype=dtype)

    def num_parameters(self) -> int:
        return sum(parameter.value.size for parameter in self.parameters())

    def __repr__(self) -> str:
        sizes = "-".join(str(size) for size in (self.input_size, *self.hidden_sizes, self.num_classes))
        extra = f", dropout={self.dropout}" if self.dropout else ""
        return f"MLP({sizes}, {self.activation}{extra})"

    # -- modes -----------------------------------------------------------
    def train(self) -> "MLP":
        """Training mode: dropout active, layers cache what backward needs."""
        self.training = True
        return self

    def eval(self) -> "MLP":
        """Evaluation mode: deterministic, no caching."""
        self.training = False
        return self

    # -- computation -----------------------------------------------------
    def forward(self, inputs: np.ndarray) -> np.ndarray:
        """``(N, input_size) -> (N, num_classes)`` logits, in the current mode."""
        return self._forward(inputs, self.training)

    def _forward(self, inputs: np.ndarray, training: bool) -> np.ndarray:
        activations = inputs
        for layer in self.layers:
            activations = layer.forward(activations, training, self.rng)
        return activations

    def backward(self, grad_logits: np.ndarray) -> None:
        """Back-propagate ``(N, num_classes)`` loss gradients into every ``Parameter.grad``."""
        if not self.training:
            raise RuntimeError("backward needs a forward in training mode; call model.train()")
        grad = grad_logits
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def parameters(self) -> list[Parameter]:
        """All trainable parameters, named ``layers.<index>.<weight|bias>``, in a fixed order."""
        return [parameter for layer in self.layers for parameter in layer.parameters()]

    # -- persistence -----------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter, keyed by its dotted name."""
        return {parameter.name: parameter.value.copy() for parameter in self.parameters()}

    def load_state_dict(self, state: Mapping[str, np.ndarray], strict: bool = True) -> None:
        """Copy ``state`` into the parameters, checking names, shapes and dtypes.

        With ``strict`` every parameter must be present and no extra key may
        appear. Nothing is modified unless every check passes.
        """
        parameters = {parameter.name: parameter for parameter in self.parameters()}
        missing = sorted(set(parameters) - set(state))
        unexpected = sorted(set(state) - set(parameters))
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append(f"missing {', '.join(missing)}")
            if unexpected:
                problems.append(f"unexpected {', '.join(unexpected)}")
            raise ValueError("state does not match the model: " + "; ".join(problems))
        updates = []
        for name, value in state.items():
            if name not in parameters:
                continue
            value = np.asarray(value)
            target = parameters[name].value
            if value.shape != target.shape:
                raise ValueError(f"{name}: shape {value.shape} does not match the model's {target.shape}")
            if not np.issubdtype(value.dtype, np.floating):
                raise ValueError(f"{name}: expected floating-point values, got {value.dtype}")
            updates.append((target, value))
        for target, value in updates:
            target[...] = value

    # -- inference API -----------------------------------------------------
    def _as_batch(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images)
        side = int(round(np.sqrt(self.input_size)))
        square = (side, side) if side * side == self.input_size else None
        if images.ndim == 2 and images.shape[1] == self.input_size:
            batch = images
        elif images.ndim == 3 and square is not None and images.shape[1:] == square:
            batch = images.reshape(len(images), self.input_size)
        elif images.shape == (self.input_size,) or (square is not None and images.shape == square):
            batch = images.reshape(1, self.input_size)
        else:
            raise ValueError(
                f"expected images of shape (N, {self.input_size}) or (N, {side}, {side}), "
                f"got {images.shape}"
            )
        return batch.astype(self.dtype, copy=False)

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, num_classes)`` float32 for ``(N, 784)`` or
        ``(N, 28, 28)`` images in [0, 1] (white ink on black, as MNIST). A single
        ``(28, 28)`` or ``(784,)`` image gives a ``(1, num_classes)`` result.

        Always runs in evaluation mode and touches no layer state, so it is safe
        to call while the model is in training mode or from another thread.
        """
        batch = self._as_batch(images)
        chunks = [softmax(self._forward(batch[start:start + _INFERENCE_CHUNK], training=False))
                  for start in range(0, len(batch), _INFERENCE_CHUNK)]
        if not chunks:
            return np.zeros((0, self.num_classes), dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Most probable class ``(N,)`` int64 for the same inputs as :meth:`predict_proba`."""
        return self.predict_proba(images).argmax(axis=1)


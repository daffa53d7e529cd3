"""The network container: ``MLP`` applies a sequence of layers, built from
layer specs through the registry (``MLP.from_specs``), to a batch of images.
Its constructor is the shorthand for the usual multilayer perceptron, Dense
-> activation -> Dropout per hidden layer and a Dense output layer. This is
the model object the rest of digitpad talks to: ``predict_proba`` and
``predict`` are its public inference API, ``parameters``/``state_dict`` its
training and persistence API, ``architecture`` its JSON-able description;
``temperature`` is its calibration (the checkpoint stores it).
Every network built is held to the size limits below.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

import numpy as np

from digitpad.nn.activations import Activation
from digitpad.nn.architecture import (DEFAULT_NEGATIVE_SLOPE, activation_names, architecture_of,
                                      architecture_specs, architecture_summary, mlp_layer_specs)
from digitpad.nn.layers import BuildContext, Dense, Dropout, Layer, Parameter, SpecField
from digitpad.nn.losses import softmax
from digitpad.nn.registry import check_spec, layer_type

# The largest network digitpad builds, trains, saves or loads. Every path that
# creates one checks these, so a file or an option cannot make it allocate
# gigabytes, and the trainer never writes a checkpoint the loader refuses.
MAX_HIDDEN_LAYERS = 16
MAX_LAYER_SIZE = 16384
MAX_PARAMETERS = 50_000_000
# Room for several element-wise layers per hidden layer; it bounds the work
# of checking a list of specs read from a file.
MAX_LAYER_SPECS = 8 * (MAX_HIDDEN_LAYERS + 1)


def layer_sizes(input_size: int, specs: Sequence[Mapping]) -> list[int]:
    """Features per example going into the first of the checked ``specs``
    and coming out of each (``len(specs) + 1`` numbers)."""
    sizes = [input_size]
    for spec in specs:
        sizes.append(layer_type(spec["type"]).output_features(spec, sizes[-1]))
    return sizes


def specs_parameter_count(input_size: int, specs: Sequence[Mapping]) -> int:
    """Trainable numbers of a network of the checked ``specs`` (no allocation)."""
    sizes = layer_sizes(input_size, specs)
    return sum(layer_type(spec["type"]).parameter_count(spec, fan_in) for spec, fan_in in zip(specs, sizes))


def parameter_count(input_size: int, hidden_sizes: Sequence[int], num_classes: int) -> int:
    """Weights and biases of an MLP with these layer sizes (no allocation)."""
    dense_specs = [{"type": Dense.type_name, "out_features": size} for size in (*hidden_sizes, num_classes)]
    return specs_parameter_count(input_size, dense_specs)


def check_layer_sizes(input_size: int, hidden_sizes: Sequence[int], num_classes: int) -> None:
    """Raise ``ValueError`` unless these sizes make a network within the limits above."""
    sizes = (input_size, *hidden_sizes, num_classes)
    if not all(isinstance(size, (int, np.integer)) and not isinstance(size, bool) for size in sizes):
        raise ValueError("layer sizes must be integers")
    if input_size <= 0 or num_classes <= 1 or any(size <= 0 for size in hidden_sizes):
        raise ValueError("layer sizes must be positive and there must be at least 2 classes")
    _check_limits(sizes, len(hidden_sizes), parameter_count(input_size, hidden_sizes, num_classes))


def check_layer_specs(input_size: int, specs: Sequence[Mapping]) -> list[dict]:
    """Checked copies of ``specs`` (defaults filled in) for a network reading
    ``input_size`` features, or ``ValueError`` when a spec is invalid or the
    network would exceed the limits above. Allocates nothing network-sized."""
    SpecField(int, minimum=1).check(input_size, "input_size")
    if not isinstance(specs, (list, tuple)) or not specs:
        raise ValueError("a network needs a non-empty list of layer specs")
    if len(specs) > MAX_LAYER_SPECS:
        raise ValueError(f"at most {MAX_LAYER_SPECS} layers are supported, got {len(specs)}")
    checked = [check_spec(spec, f"layers[{index}]") for index, spec in enumerate(specs)]
    sizes = layer_sizes(int(input_size), checked)
    if sizes[-1] < 2:
        raise ValueError(f"the network must end in at least 2 classes, not {sizes[-1]}")
    dense_layers = sum(spec["type"] == Dense.type_name for spec in checked)
    _check_limits(sizes, max(dense_layers - 1, 0), specs_parameter_count(int(input_size), checked))
    return checked


def _check_limits(sizes: Sequence[int], hidden_layers: int, parameters: int) -> None:
    if hidden_layers > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers are supported, got {hidden_layers}")
    if max(sizes) > MAX_LAYER_SIZE:
        raise ValueError(f"layers of at most {MAX_LAYER_SIZE:,} units are supported, got {max(sizes):,}")
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"at most {MAX_PARAMETERS:,} parameters are supported, "
                         f"these layer sizes need {parameters:,}")


# Inference runs in chunks so that scoring a 60,000-image set never builds a
# (60000, hidden) activation matrix per layer at once.
_INFERENCE_CHUNK = 4096


class MLP:
    """A sequential network ``(N, input_size) -> (N, num_classes)`` logits.

    :meth:`from_specs` builds any list of layer specs; the constructor builds
    ``input_size -> hidden_sizes... -> num_classes``, each hidden layer Dense
    -> activation -> Dropout (when ``dropout`` > 0). Parameters are float32 by
    default; pass ``dtype=np.float64`` for gradient checks. ``rng`` seeds the
    initial weights and, unless replaced via the ``rng`` attribute, draws the
    dropout masks. Without an ``initializer`` the weights get the one the
    first activation prefers (He for the ReLU family, Xavier otherwise).
    ``temperature`` (1.0 until calibrated) divides the logits before the
    softmax in :meth:`predict_proba`; :meth:`logits` stay raw.
    """

    def __init__(self, input_size: int = 784, hidden_sizes: Sequence[int] = (512, 256),
                 num_classes: int = 10, activation: str = "relu", dropout: float = 0.0,
                 *, negative_slope: float = DEFAULT_NEGATIVE_SLOPE, initializer: str | None = None,
                 rng: np.random.Generator | None = None, dtype: np.dtype = np.float32) -> None:
        specs = mlp_layer_specs(hidden_sizes, num_classes, activation, dropout, negative_slope)
        self._build(input_size, specs, initializer, rng, dtype)

    @classmethod
    def from_specs(cls, input_size: int, layer_specs: Sequence[Mapping], *,
                   initializer: str | None = None, rng: np.random.Generator | None = None,
                   dtype: np.dtype = np.float32) -> "MLP":
        """The network reading ``input_size`` features through layers built
        from ``layer_specs`` in order, e.g. ``[{"type": "dense", "out_features":
        64}, {"type": "tanh"}, {"type": "dense", "out_features": 10}]``."""
        model = cls.__new__(cls)
        model._build(input_size, layer_specs, initializer, rng, dtype)
        return model

    def _build(self, input_size: int, layer_specs: Sequence[Mapping], initializer: str | None,
               rng: np.random.Generator | None, dtype: np.dtype) -> None:
        specs = check_layer_specs(input_size, layer_specs)
        self.input_size = int(input_size)
        self.dtype = np.dtype(dtype)
        self.rng = rng if rng is not None else np.random.default_rng()
        self.training = False
        # Calibration: probabilities are softmax(logits / temperature); 1 is
        # the network as trained (``digitpad.model.calibration`` fits it).
        self.temperature = 1.0
        context = BuildContext(self.rng, self.dtype, initializer or _preferred_initializer(specs),
                               needs_input_grad=False)
        self.layers: list[Layer] = []
        features = self.input_size
        for spec in specs:
            layer = layer_type(spec["type"]).from_spec(spec, features, context)
            features = type(layer).output_features(spec, features)
            self.layers.append(layer)
            # Only layers above one that learns pass their input gradient on.
            if layer.parameters():
                context = replace(context, needs_input_grad=True)
        self.num_classes = features
        self._first_learning_layer = next(
            (index for index, layer in enumerate(self.layers) if layer.parameters()), len(self.layers))
        # Dotted names are the keys of state dicts and checkpoints.
        for layer_index, layer in enumerate(self.layers):
            for parameter in layer.parameters():
                parameter.name = f"layers.{layer_index}.{parameter.name}"

    # -- architecture ----------------------------------------------------
    def layer_specs(self) -> list[dict]:
        """The spec of every layer, in order: what :meth:`from_specs` rebuilds from."""
        return [layer.spec() for layer in self.layers]

    def architecture(self) -> dict:
        """The JSON-able description :meth:`from_architecture` rebuilds from:
        the MLP shorthand when it fits, else ``{"input_size", "layers"}``."""
        return architecture_of(self.input_size, self.layer_specs())

    @classmethod
    def from_architecture(cls, architecture: Mapping, *, rng: np.random.Generator | None = None,
                          dtype: np.dtype = np.float32, initializer: str | None = None) -> "MLP":
        """Rebuild from :meth:`architecture`; ``initializer="zeros"`` when the
        weights are loaded straight afterwards."""
        input_size, specs = architecture_specs(architecture)
        return cls.from_specs(input_size, specs, initializer=initializer, rng=rng, dtype=dtype)

    @property
    def hidden_sizes(self) -> tuple[int, ...]:
        """Units of every Dense layer but the output layer."""
        return tuple(layer.out_features for layer in self.layers if isinstance(layer, Dense))[:-1]

    @property
    def activation(self) -> str:
        """The activation's name ("relu"), several joined by commas, or "none"."""
        return activation_names(self.layer_specs())

    @property
    def dropout(self) -> float:
        """The dropout rate (the highest, should layers differ); 0.0 without dropout."""
        return max((layer.rate for layer in self.layers if isinstance(layer, Dropout)), default=0.0)

    def num_parameters(self) -> int:
        return sum(parameter.value.size for parameter in self.parameters())

    def __repr__(self) -> str:
        extra = f", dropout={self.dropout}" if self.dropout else ""
        return f"MLP({architecture_summary(self.architecture())}{extra})"

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
        """Back-propagate ``(N, num_classes)`` loss gradients into every ``Parameter.grad``:
        the chain rule, each layer turning dLoss/d(its output) into dLoss/d(its
        input) from the top down (``textbook.backprop`` is the same in one function)."""
        if not self.training:
            raise RuntimeError("backward needs a forward in training mode; call model.train()")
        # Layers may overwrite the gradient they are given (``Layer.backward``);
        # the caller's array is not theirs to overwrite, so they get a copy.
        grad = np.array(grad_logits)
        # Layers below the first that learns have no gradient to compute.
        for layer in reversed(self.layers[self._first_learning_layer:]):
            grad = layer.backward(grad)

    def parameters(self) -> list[Parameter]:
        """All trainable parameters, named ``layers.<index>.<name>`` (``layers.0.weight``), in a fixed order."""
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

    def logits(self, inputs: np.ndarray) -> np.ndarray:
        """``(N, input_size) -> (N, num_classes)`` scores before the softmax, in
        evaluation mode (no dropout) whatever the model's mode, touching no
        layer state: what a gradient check differentiates numerically."""
        return self._forward(inputs, training=False)

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, num_classes)`` float32 for ``(N, 784)`` or
        ``(N, 28, 28)`` images in [0, 1] (white ink on black, as MNIST). A single
        ``(28, 28)`` or ``(784,)`` image gives a ``(1, num_classes)`` result.

        Always runs in evaluation mode and touches no layer state, so it is safe
        to call while the model is in training mode or from another thread.
        The logits are divided by the model's calibration ``temperature`` first.
        """
        batch = self._as_batch(images)
        chunks = [self.probabilities_from_logits(self._forward(batch[start:start + _INFERENCE_CHUNK], False))
                  for start in range(0, len(batch), _INFERENCE_CHUNK)]
        if not chunks:
            return np.zeros((0, self.num_classes), dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def probabilities_from_logits(self, logits: np.ndarray) -> np.ndarray:
        """``softmax(logits / temperature)``: what :meth:`predict_proba` reports for raw ``logits``."""
        return softmax(np.asarray(logits) / np.asarray(self.temperature, dtype=np.asarray(logits).dtype))

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Most probable class ``(N,)`` int64 for the same inputs as :meth:`predict_proba`."""
        return self.predict_proba(images).argmax(axis=1)



def _preferred_initializer(specs: Sequence[Mapping]) -> str:
    """The initialiser the first activation in ``specs`` prefers (He without one)."""
    for spec in specs:
        activation = layer_type(spec["type"])
        if issubclass(activation, Activation):
            return activation.preferred_initializer
    return "he_normal"

"""The network as a learner sees it: a stack of layers, each a weight matrix
``W`` ``(fan_in, units)``, a bias ``b`` ``(units,)`` and the activation that
follows them (none for the output layer, whose scores go to the softmax).
``network_layers`` reads this view off a model's actual layer list — Dense,
then its activation, with Dropout (the identity outside training) skipped —
so every view of the inside shows the real weights, by the same names the
checkpoints use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.nn import MLP
from digitpad.nn.activations import Activation
from digitpad.nn.layers import Dense, Dropout


@dataclass(frozen=True)
class LayerView:
    """One layer: ``z = a_in @ W + b``, then ``a = activation(z)``."""

    index: int                      # 0 for the first hidden layer
    name: str                       # "hidden layer 1", …, "output layer"
    dense: Dense
    activation: Activation | None   # None for the output layer
    parameter_prefix: str           # "layers.0": the name in checkpoints

    @property
    def weights(self) -> np.ndarray:
        """``(fan_in, units)``: column ``j`` holds the weights into unit ``j``."""
        return self.dense.weight.value

    @property
    def bias(self) -> np.ndarray:
        return self.dense.bias.value

    @property
    def units(self) -> int:
        return self.dense.out_features

    @property
    def fan_in(self) -> int:
        return self.dense.in_features

    @property
    def is_output(self) -> bool:
        return self.activation is None

    @property
    def activation_name(self) -> str:
        return self.activation.type_name if self.activation is not None else "softmax (after the layer)"

    def apply_activation(self, z: np.ndarray) -> np.ndarray:
        """``a`` from ``z`` (the scores themselves for the output layer)."""
        return self.activation.forward(z) if self.activation is not None else z

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """``da/dz`` element-wise (1 for the output layer's scores)."""
        return self.activation.derivative(z) if self.activation is not None else np.ones_like(z)


def network_layers(model: MLP) -> list[LayerView]:
    """The layers of ``model`` (Dense, optionally followed by one activation;
    Dropout in between is skipped). Raises ``ValueError`` for a network of
    another shape, which these views do not explain."""
    views: list[LayerView] = []
    pending: tuple[int, Dense] | None = None

    def close(activation: Activation | None) -> None:
        position, dense = pending
        views.append(LayerView(len(views), "", dense, activation, f"layers.{position}"))

    for position, layer in enumerate(model.layers):
        if isinstance(layer, Dense):
            if pending is not None:
                close(None)
            pending = (position, layer)
        elif isinstance(layer, Activation) and pending is not None:
            close(layer)
            pending = None
        elif not isinstance(layer, Dropout):
            raise ValueError(f"cannot show a {type(layer).__name__} layer (only dense layers, "
                             "activations and dropout)")
    if pending is not None:
        close(None)
    if not views or not views[-1].is_output or any(view.is_output for view in views[:-1]):
        raise ValueError("expected hidden layers with activations followed by one output layer")
    return [LayerView(view.index, _name(view.index, len(views)), view.dense, view.activation,
                      view.parameter_prefix) for view in views]


def _name(index: int, count: int) -> str:
    return "output layer" if index == count - 1 else f"hidden layer {index + 1}"

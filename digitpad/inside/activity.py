"""How often each hidden unit is active. A unit is active on an image when
its weighted sum ``z`` is positive (for ReLU: when it passes anything on at
all); a unit that is never active on any MNIST test digit is dead — it
contributes nothing and its weights no longer learn.
"""

from __future__ import annotations

import numpy as np

from digitpad.inside.layers import network_layers
from digitpad.nn import MLP

_CHUNK = 2048


def unit_activity(model: MLP, images: np.ndarray) -> list[np.ndarray]:
    """For each hidden layer, the fraction ``(units,)`` of ``images``
    ``(N, 784)`` on which each unit is active."""
    layers = network_layers(model)[:-1]
    counts = [np.zeros(layer.units, np.int64) for layer in layers]
    images = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
    for start in range(0, len(images), _CHUNK):
        inputs = images[start:start + _CHUNK]
        for layer, count in zip(layers, counts):
            z = layer.dense.forward(inputs)
            count += np.count_nonzero(z > 0, axis=0)
            inputs = layer.apply_activation(z)
    return [count / max(len(images), 1) for count in counts]

"""Why the network gave its answer: which pixels pushed a digit's score up,
and which held it back. ``attribution`` uses integrated gradients
(Sundararajan, Taly and Yan, 2017) from a blank image: the score's gradient
with respect to every pixel is averaged along the straight path from no ink
at all to the drawing, and multiplied by the pixel's value. We chose it
because it is faithful for ReLU networks: the attributions add up to how
much the score rose from the blank canvas to the drawing (exactly in the
limit; the 32-point path used here comes close, typically within 10%), so a pixel's number is its share of the answer; it
never credits a pixel that is not there (a black pixel gets 0), and unlike
the plain gradient it is not fooled where a ReLU has gone flat. The score is
the digit's logit — its input to the softmax — so the maps of two digits can
be compared directly. Gradients are computed here with the model's weights,
never through its layers' caches, so the app can explain a drawing while the
same model serves it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from digitpad.inside.layers import network_layers
from digitpad.nn import MLP

# Points along the path from the blank image to the drawing: enough for the
# attributions to add up nearly to the change in score, few enough to explain
# two digits in a few milliseconds while the pen moves.
DEFAULT_STEPS = 32


def input_gradients(model: MLP, images: np.ndarray, digits: np.ndarray | int) -> np.ndarray:
    """``d score_digit / d pixel`` for each of ``images`` ``(B, 784)``, where
    ``digits`` is one digit or one per image ``(B,)``; returns ``(B, 784)``."""
    images = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
    layers = network_layers(model)
    inputs, slopes = images, []
    for layer in layers:
        z = layer.dense.forward(inputs)
        slopes.append(layer.derivative(z))
        inputs = layer.apply_activation(z)
    # Backward: start with 1 at the chosen digit's score, 0 elsewhere.
    delta = np.zeros((len(images), layers[-1].units), dtype=np.float32)
    delta[np.arange(len(images)), np.broadcast_to(np.asarray(digits), (len(images),))] = 1.0
    for layer, slope in zip(reversed(layers), reversed(slopes)):
        delta = (delta * slope) @ layer.weights.T
    return delta


def attributions(model: MLP, image: np.ndarray, digits: Sequence[int],
                 steps: int = DEFAULT_STEPS) -> np.ndarray:
    """Integrated-gradients maps ``(len(digits), 28, 28)`` for one image,
    computed together (one batch for all digits and path points)."""
    flat = np.asarray(image, dtype=np.float32).reshape(-1)
    # Midpoints of ``steps`` equal segments of the path: a better sum than either end.
    fractions = (np.arange(steps, dtype=np.float32) + 0.5) / steps
    path = fractions[:, None] * flat[None, :]                       # (steps, 784)
    batch = np.tile(path, (len(digits), 1))                         # (digits * steps, 784)
    targets = np.repeat(np.asarray(digits), steps)
    gradients = input_gradients(model, batch, targets).reshape(len(digits), steps, -1)
    maps = gradients.mean(axis=1) * flat[None, :]
    side = int(round(np.sqrt(flat.size)))
    return maps.reshape(len(digits), side, side)


def attribution(model: MLP, image: np.ndarray, digit: int, steps: int = DEFAULT_STEPS) -> np.ndarray:
    """A signed ``(28, 28)`` map: how much each pixel of ``image`` pushed the
    score of ``digit`` up (positive) or down (negative)."""
    return attributions(model, image, [digit], steps)[0]

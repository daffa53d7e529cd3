"""The maths of ``digitpad.nn`` written the way a textbook writes it: the
forward and backward pass of our MLP in one function (``backprop``), the
activations with their derivatives, softmax cross-entropy, and the SGD and
Adam updates — plain float64 NumPy, no caching, no in-place tricks, every
shape in a comment. Read this first. The fast modules (``layers.py``,
``activations.py``, ``losses.py``, ``optimizers.py``, ``mlp.py``) compute the
same numbers, which ``tests/nn/test_textbook.py`` checks, but are arranged for
speed: float32, buffers reused, layers as objects that cache what their
backward pass needs. The notation follows chapter 2 of Michael Nielsen's
*Neural Networks and Deep Learning* with one example per row: ``a`` is a
layer's input ``(N, fan_in)``, ``z = a W + b`` its weighted input
``(N, fan_out)``, and ``delta = dLoss/dz``; the optimisers keep the
single letters of their papers.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

Function = Callable[[np.ndarray], np.ndarray]


# -- activations and their derivatives, as functions of z --------------------
def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_derivative(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(np.float64)


def leaky_relu(z: np.ndarray, negative_slope: float) -> np.ndarray:
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_derivative(z: np.ndarray, negative_slope: float) -> np.ndarray:
    return np.where(z > 0, 1.0, negative_slope)


def sigmoid(z: np.ndarray) -> np.ndarray:
    # The fast version rearranges this so that exp never overflows.
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    return sigmoid(z) * (1.0 - sigmoid(z))


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


def activation_and_derivative(name: str, negative_slope: float = 0.01) -> tuple[Function, Function]:
    """``(f, f')`` for the activation called ``name`` in configs and checkpoints."""
    if name == "leaky_relu":
        return (lambda z: leaky_relu(z, negative_slope),
                lambda z: leaky_relu_derivative(z, negative_slope))
    functions = {"relu": (relu, relu_derivative), "sigmoid": (sigmoid, sigmoid_derivative),
                 "tanh": (tanh, tanh_derivative)}
    return functions[name]


# -- the output layer: softmax and cross-entropy -------------------------------
def softmax(logits: np.ndarray) -> np.ndarray:
    """``p[n, k] = exp(z[n, k]) / sum_j exp(z[n, j])``; subtracting each row's
    maximum first changes nothing mathematically and keeps exp finite."""
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def target_distribution(labels: np.ndarray, num_classes: int, label_smoothing: float = 0.0) -> np.ndarray:
    """``(N, C)``: one-hot rows, mixed with the uniform distribution by ``label_smoothing``."""
    one_hot = np.eye(num_classes)[labels]
    return (1.0 - label_smoothing) * one_hot + label_smoothing / num_classes


def cross_entropy(probabilities: np.ndarray, targets: np.ndarray) -> float:
    """Mean over the batch of ``-sum_k t[n, k] log p[n, k]``. (The fast
    version works from log-softmax, which never takes the log of 0.)"""
    return float(-(targets * np.log(probabilities)).sum(axis=1).mean())


# -- the whole network: forward and backward pass ------------------------------
def backprop(images: np.ndarray, labels: np.ndarray, weights: Sequence[np.ndarray],
             biases: Sequence[np.ndarray], activation: str = "relu", *,
             negative_slope: float = 0.01, dropout_masks: Sequence[np.ndarray] | None = None,
             label_smoothing: float = 0.0):
    """Loss, logits and gradients for one batch through an MLP of L Dense
    layers with ``activation`` (and dropout, when masks are given) between them.

    ``images`` (N, D) and integer ``labels`` (N,); ``weights[l]`` is
    (fan_in, fan_out) and ``biases[l]`` (fan_out,); ``dropout_masks[l]`` is
    (N, fan_out) for each of the L - 1 hidden layers: 0 where a unit is
    dropped, ``1 / (1 - rate)`` where it is kept. Returns ``(loss, logits
    (N, C), [dLoss/dW], [dLoss/db])``.
    """
    f, f_prime = activation_and_derivative(activation, negative_slope)
    layer_count = len(weights)

    # Forward pass: remember each layer's input a and weighted input z.
    a = np.asarray(images, dtype=np.float64)                  # (N, D)
    inputs, weighted_inputs = [], []
    for layer in range(layer_count):
        z = a @ weights[layer] + biases[layer]                # (N, fan_out)
        inputs.append(a)
        weighted_inputs.append(z)
        if layer < layer_count - 1:                           # hidden layers only
            a = f(z)
            if dropout_masks is not None:
                a = a * dropout_masks[layer]
    logits = weighted_inputs[-1]                              # (N, C)
    probabilities = softmax(logits)
    targets = target_distribution(labels, logits.shape[1], label_smoothing)
    loss = cross_entropy(probabilities, targets)

    # Backward pass: delta = dLoss/dz, from the output layer down. For
    # softmax with cross-entropy it is simply (p - t) / N.
    delta = (probabilities - targets) / len(labels)           # (N, C)
    weight_gradients: list = [None] * layer_count
    bias_gradients: list = [None] * layer_count
    for layer in reversed(range(layer_count)):
        weight_gradients[layer] = inputs[layer].T @ delta     # (fan_in, fan_out)
        bias_gradients[layer] = delta.sum(axis=0)             # (fan_out,)
        if layer > 0:
            grad_a = delta @ weights[layer].T                 # dLoss/da, (N, fan_in)
            if dropout_masks is not None:
                grad_a = grad_a * dropout_masks[layer - 1]
            delta = grad_a * f_prime(weighted_inputs[layer - 1])
    return loss, logits, weight_gradients, bias_gradients


def gradient_descent_step(images: np.ndarray, labels: np.ndarray, weights: Sequence[np.ndarray],
                          biases: Sequence[np.ndarray], learning_rate: float,
                          activation: str = "relu") -> tuple[float, list, list]:
    """One step of plain gradient descent, ``W -= learning_rate * dLoss/dW``
    (and the same for b); returns ``(loss, new weights, new biases)``."""
    loss, _, weight_gradients, bias_gradients = backprop(images, labels, weights, biases, activation)
    new_weights = [weight - learning_rate * gradient for weight, gradient in zip(weights, weight_gradients)]
    new_biases = [bias - learning_rate * gradient for bias, gradient in zip(biases, bias_gradients)]
    return loss, new_weights, new_biases


# -- optimisers: one update per gradient, from fresh state -----------------------
def sgd(parameter: np.ndarray, gradients: Sequence[np.ndarray], learning_rate: float,
        momentum: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0) -> np.ndarray:
    """The parameter after one SGD update per gradient::

        g = gradient + weight_decay * theta          (the L2 penalty's gradient added)
        v = momentum * v + g                         (v starts at 0)
        theta = theta - learning_rate * (g + momentum * v   if nesterov   else v)
    """
    theta = np.array(parameter, dtype=np.float64)
    velocity = np.zeros_like(theta)
    for gradient in gradients:
        g = np.asarray(gradient, dtype=np.float64) + weight_decay * theta
        velocity = momentum * velocity + g
        step = g + momentum * velocity if nesterov else velocity
        theta = theta - learning_rate * step
    return theta


def adam(parameter: np.ndarray, gradients: Sequence[np.ndarray], learning_rate: float = 1e-3,
         beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
         weight_decay: float = 0.0, decoupled: bool = False) -> np.ndarray:
    """The parameter after one Adam update per gradient, as in Algorithm 1
    of Kingma & Ba (2015); ``decoupled`` weight decay is AdamW's
    (Loshchilov & Hutter, 2019), otherwise it is an L2 penalty::

        m = beta1 * m + (1 - beta1) * g              (mean of the gradients)
        v = beta2 * v + (1 - beta2) * g^2            (mean of their squares)
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)   (bias corrections)
        theta = theta - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
    """
    theta = np.array(parameter, dtype=np.float64)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t, gradient in enumerate(gradients, start=1):
        g = np.asarray(gradient, dtype=np.float64)
        if decoupled:
            theta = theta * (1 - learning_rate * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return theta

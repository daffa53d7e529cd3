"""Gradient checks in float64: every layer, activation, the fused loss, a
whole MLP and a network built from mixed layer specs against central finite
differences (relative error below 1e-6)."""

import numpy as np
import pytest

from digitpad.nn import (MLP, Dense, Dropout, LeakyReLU, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh)

STEP = 1e-6
TOLERANCE = 1e-6


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / (||a|| + ||n||): per-element ratios would be dominated by the
    finite-difference rounding of components that are themselves ~1e-6."""
    return float(np.linalg.norm(analytic - numeric)
                 / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12))


def numeric_gradient(function, array: np.ndarray) -> np.ndarray:
    """d function() / d array by central differences, perturbing ``array`` in place."""
    gradient = np.zeros_like(array)
    flat, flat_gradient = array.reshape(-1), gradient.reshape(-1)
    for index in range(flat.size):
        original = flat[index]
        flat[index] = original + STEP
        plus = function()
        flat[index] = original - STEP
        minus = function()
        flat[index] = original
        flat_gradient[index] = (plus - minus) / (2 * STEP)
    return gradient


def away_from_zero(rng, shape):
    """Inputs with |x| >= 0.1 so that ReLU-family kinks are never straddled."""
    values = rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return values.astype(np.float64)


@pytest.mark.parametrize("layer_factory", [ReLU, lambda: LeakyReLU(0.1), Sigmoid, Tanh],
                         ids=["relu", "leaky_relu", "sigmoid", "tanh"])
def test_activation_gradients(layer_factory):
    rng = np.random.default_rng(1)
    layer = layer_factory()
    inputs = away_from_zero(rng, (4, 7))
    weights = rng.standard_normal((4, 7))

    def loss():
        return float(np.sum(layer.forward(inputs, training=False) * weights))

    layer.forward(inputs, training=True)
    analytic = layer.backward(weights.copy())
    assert relative_error(analytic, numeric_gradient(loss, inputs)) < TOLERANCE


def test_dense_gradients_for_input_weight_and_bias():
    rng = np.random.default_rng(2)
    layer = Dense(6, 5, rng, dtype=np.float64)
    layer.bias.value[:] = rng.standard_normal(5)
    inputs = rng.standard_normal((3, 6))
    weights = rng.standard_normal((3, 5))

    def loss():
        return float(np.sum(layer.forward(inputs) * weights))

    layer.forward(inputs, training=True)
    grad_inputs = layer.backward(weights)
    assert relative_error(grad_inputs, numeric_gradient(loss, inputs)) < TOLERANCE
    assert relative_error(layer.weight.grad, numeric_gradient(loss, layer.weight.value)) < TOLERANCE
    assert relative_error(layer.bias.grad, numeric_gradient(loss, layer.bias.value)) < TOLERANCE


def test_dense_first_layer_skips_input_gradient_but_fills_parameter_gradients():
    rng = np.random.default_rng(3)
    layer = Dense(4, 3, rng, dtype=np.float64, needs_input_grad=False)
    inputs = rng.standard_normal((2, 4))
    layer.forward(inputs, training=True)
    assert layer.backward(np.ones((2, 3))) is None
    np.testing.assert_allclose(layer.weight.grad, inputs.T @ np.ones((2, 3)))


def test_dropout_gradient_uses_the_same_mask_as_forward():
    rng = np.random.default_rng(4)
    layer = Dropout(0.5)
    inputs = rng.standard_normal((5, 8))
    weights = rng.standard_normal((5, 8))
    outputs = layer.forward(inputs, training=True, rng=np.random.default_rng(9))
    mask = layer.mask.copy()

    def loss():
        return float(np.sum(inputs * mask * weights))

    analytic = layer.backward(weights)
    np.testing.assert_allclose(outputs, inputs * mask)
    assert relative_error(analytic, numeric_gradient(loss, inputs)) < TOLERANCE
    # Inverted dropout: survivors are scaled by 1/keep, dropped units are 0.
    assert set(np.unique(mask)) <= {0.0, 2.0}


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_softmax_cross_entropy_gradient(smoothing):
    rng = np.random.default_rng(5)
    logits = rng.standard_normal((6, 10)) * 3
    labels = rng.integers(0, 10, 6)
    loss = SoftmaxCrossEntropy(smoothing)

    def value():
        return SoftmaxCrossEntropy(smoothing).forward(logits, labels)

    loss.forward(logits, labels)
    assert relative_error(loss.backward(), numeric_gradient(value, logits)) < TOLERANCE


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss = SoftmaxCrossEntropy()
    logits = np.array([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0]])
    value = loss.forward(logits, np.array([0, 1]))
    assert np.isfinite(value) and value == pytest.approx(0.0, abs=1e-12)
    assert np.isfinite(loss.backward()).all()


def test_label_smoothing_matches_the_explicit_target_distribution():
    rng = np.random.default_rng(6)
    logits = rng.standard_normal((4, 10))
    labels = np.array([1, 2, 3, 4])
    smoothing = 0.2
    targets = np.full((4, 10), smoothing / 10)
    targets[np.arange(4), labels] += 1 - smoothing
    log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -(targets * log_probabilities).sum(axis=1).mean()
    assert SoftmaxCrossEntropy(smoothing).forward(logits, labels) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_whole_mlp_gradient(activation):
    rng = np.random.default_rng(7)
    model = MLP(8, (6, 5), 4, activation, rng=rng, dtype=np.float64).train()
    for parameter in model.parameters():
        if parameter.name.endswith("bias"):
            parameter.value[:] = rng.standard_normal(parameter.value.shape) * 0.1
    inputs = rng.standard_normal((5, 8))
    labels = rng.integers(0, 4, 5)
    loss = SoftmaxCrossEntropy()

    def value():
        return SoftmaxCrossEntropy().forward(model.logits(inputs), labels)

    loss.forward(model.forward(inputs), labels)
    model.backward(loss.backward())
    for parameter in model.parameters():
        numeric = numeric_gradient(value, parameter.value)
        assert relative_error(parameter.grad, numeric) < TOLERANCE, parameter.name


def test_network_built_from_specs_gradient():
    """Mixed activations and two Dense layers in a row, as only specs can say."""
    rng = np.random.default_rng(8)
    specs = [{"type": "dense", "out_features": 6}, {"type": "tanh"},
             {"type": "dense", "out_features": 5}, {"type": "leaky_relu", "negative_slope": 0.2},
             {"type": "dense", "out_features": 5}, {"type": "dense", "out_features": 4}, {"type": "sigmoid"}]
    model = MLP.from_specs(8, specs, rng=rng, dtype=np.float64).train()
    for parameter in model.parameters():
        parameter.value[...] = rng.standard_normal(parameter.value.shape) * 0.5
    inputs = rng.standard_normal((5, 8))
    labels = rng.integers(0, 4, 5)
    loss = SoftmaxCrossEntropy()

    def value():
        return SoftmaxCrossEntropy().forward(model.logits(inputs), labels)

    loss.forward(model.forward(inputs), labels)
    model.backward(loss.backward())
    for parameter in model.parameters():
        numeric = numeric_gradient(value, parameter.value)
        assert relative_error(parameter.grad, numeric) < TOLERANCE, parameter.name

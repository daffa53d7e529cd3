"""The textbook versions in ``digitpad.nn.textbook`` against the fast code:
the same logits, loss and float64 gradients for every activation, with and
without dropout and label smoothing; the same probabilities in float32; the
same parameters after gradient descent, SGD, Adam and AdamW steps."""

import numpy as np
import pytest

from digitpad.nn import MLP, SGD, Adam, AdamW, Dense, Dropout, SoftmaxCrossEntropy, textbook


def weights_and_biases(model):
    dense_layers = [layer for layer in model.layers if isinstance(layer, Dense)]
    return ([layer.weight.value for layer in dense_layers], [layer.bias.value for layer in dense_layers])


def batch(seed, count=6, features=12, classes=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((count, features)), rng.integers(0, classes, count)


@pytest.mark.parametrize("dropout", [0.0, 0.4], ids=["no-dropout", "dropout"])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_backprop_gives_the_fast_mlps_logits_loss_and_gradients(activation, dropout):
    images, labels = batch(1)
    model = MLP(12, (9, 7), 5, activation, dropout, negative_slope=0.2,
                rng=np.random.default_rng(2), dtype=np.float64).train()
    rng = np.random.default_rng(3)
    for parameter in model.parameters():      # non-zero biases, so their gradients are tested too
        parameter.value[...] = rng.standard_normal(parameter.value.shape) * 0.5
    loss = SoftmaxCrossEntropy(label_smoothing=0.1)
    logits = model.forward(images)
    masks = [layer.mask for layer in model.layers if isinstance(layer, Dropout)] or None
    loss_value = loss.forward(logits, labels)
    model.backward(loss.backward())

    weights, biases = weights_and_biases(model)
    expected_loss, expected_logits, weight_gradients, bias_gradients = textbook.backprop(
        images, labels, weights, biases, activation, negative_slope=0.2, dropout_masks=masks,
        label_smoothing=0.1)
    np.testing.assert_allclose(logits, expected_logits, rtol=1e-12, atol=1e-12)
    assert loss_value == pytest.approx(expected_loss, rel=1e-12)
    gradients = [gradient for pair in zip(weight_gradients, bias_gradients) for gradient in pair]
    for parameter, expected in zip(model.parameters(), gradients, strict=True):
        np.testing.assert_allclose(parameter.grad, expected, rtol=1e-10, atol=1e-14, err_msg=parameter.name)


def test_textbook_probabilities_match_predict_proba_in_float32():
    model = MLP(784, (64, 32), 10, "relu", rng=np.random.default_rng(4))
    images = np.random.default_rng(5).random((20, 784), dtype=np.float32)
    weights, biases = weights_and_biases(model)
    _, logits, _, _ = textbook.backprop(images, np.zeros(20, np.int64), weights, biases, "relu")
    np.testing.assert_allclose(model.predict_proba(images), textbook.softmax(logits), atol=1e-6)


def test_gradient_descent_step_matches_plain_sgd_on_the_fast_model():
    images, labels = batch(6)
    model = MLP(12, (8,), 5, "tanh", rng=np.random.default_rng(7), dtype=np.float64).train()
    weights, biases = weights_and_biases(model)
    expected_loss, new_weights, new_biases = textbook.gradient_descent_step(
        images, labels, weights, biases, learning_rate=0.5, activation="tanh")
    parameters = model.parameters()
    optimizer = SGD([parameter.value for parameter in parameters], learning_rate=0.5)
    loss = SoftmaxCrossEntropy()
    assert loss.forward(model.forward(images), labels) == pytest.approx(expected_loss, rel=1e-12)
    model.backward(loss.backward())
    optimizer.step([parameter.grad for parameter in parameters])
    expected = [array for pair in zip(new_weights, new_biases) for array in pair]
    for parameter, array in zip(parameters, expected, strict=True):
        np.testing.assert_allclose(parameter.value, array, rtol=1e-12, atol=1e-15)


def gradient_sequence(seed, shape=(3, 4), steps=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), [rng.standard_normal(shape) for _ in range(steps)]


@pytest.mark.parametrize("settings", [
    {}, {"momentum": 0.9}, {"momentum": 0.8, "nesterov": True}, {"momentum": 0.5, "weight_decay": 0.1},
], ids=["plain", "momentum", "nesterov", "weight-decay"])
def test_sgd_matches_the_textbook(settings):
    start, gradients = gradient_sequence(8)
    parameter = start.copy()
    optimizer = SGD([parameter], learning_rate=0.05, **settings)
    for gradient in gradients:
        optimizer.step([gradient])
    np.testing.assert_allclose(parameter, textbook.sgd(start, gradients, 0.05, **settings), rtol=1e-12)


@pytest.mark.parametrize("optimizer_class, decoupled", [(Adam, False), (AdamW, True)], ids=["adam", "adamw"])
def test_adam_and_adamw_match_the_textbook(optimizer_class, decoupled):
    start, gradients = gradient_sequence(9)
    parameter = start.copy()
    optimizer = optimizer_class([parameter], learning_rate=0.01, beta1=0.85, beta2=0.99, weight_decay=0.05)
    for gradient in gradients:
        optimizer.step([gradient])
    expected = textbook.adam(start, gradients, 0.01, beta1=0.85, beta2=0.99, weight_decay=0.05,
                             decoupled=decoupled)
    np.testing.assert_allclose(parameter, expected, rtol=1e-12)

"""The MLP container: construction, modes, state dicts, the predict API, a
small batch learned to 100% and bit-for-bit reproducibility from a seed."""

import numpy as np
import pytest

from digitpad.nn import MLP, Adam, SoftmaxCrossEntropy


def make_batch(seed=0, count=32):
    rng = np.random.default_rng(seed)
    return rng.random((count, 784), dtype=np.float32), rng.integers(0, 10, count)


def train_steps(model, images, labels, steps, learning_rate=1e-3):
    model.train()
    parameters = model.parameters()
    optimizer = Adam([parameter.value for parameter in parameters], learning_rate=learning_rate)
    loss = SoftmaxCrossEntropy()
    for _ in range(steps):
        loss.forward(model.forward(images), labels)
        model.backward(loss.backward())
        optimizer.step([parameter.grad for parameter in parameters])
    return model.eval()


def test_architecture_layers_and_parameter_names():
    model = MLP(784, (32, 16), 10, "tanh", dropout=0.2, rng=np.random.default_rng(0))
    names = [parameter.name for parameter in model.parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias",
                     "layers.6.weight", "layers.6.bias"]
    shapes = [parameter.value.shape for parameter in model.parameters()]
    assert shapes == [(784, 32), (32,), (32, 16), (16,), (16, 10), (10,)]
    assert all(parameter.value.dtype == np.float32 for parameter in model.parameters())
    assert model.num_parameters() == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    rebuilt = MLP.from_architecture(model.architecture())
    assert rebuilt.architecture() == model.architecture()


def test_he_initialisation_has_the_expected_spread():
    model = MLP(784, (1024,), 10, rng=np.random.default_rng(0))
    weight = model.parameters()[0].value
    assert weight.std() == pytest.approx(np.sqrt(2 / 784), rel=0.02)
    assert np.all(model.parameters()[1].value == 0)


def test_small_batch_is_learned_to_100_percent():
    images, labels = make_batch()
    model = train_steps(MLP(784, (64,), 10, rng=np.random.default_rng(1)), images, labels, 150)
    assert (model.predict(images) == labels).mean() == 1.0


def test_same_seed_gives_identical_weights_after_training():
    images, labels = make_batch()
    results = []
    for _ in range(2):
        model = MLP(784, (32, 16), 10, dropout=0.3, rng=np.random.default_rng(42))
        train_steps(model, images, labels, 20)
        results.append(model.state_dict())
    for name in results[0]:
        np.testing.assert_array_equal(results[0][name], results[1][name])
    other = MLP(784, (32, 16), 10, dropout=0.3, rng=np.random.default_rng(43)).state_dict()
    assert not np.array_equal(other["layers.0.weight"], results[0]["layers.0.weight"])


def test_dropout_is_active_only_in_training_mode():
    images, _ = make_batch()
    model = MLP(784, (64,), 10, dropout=0.5, rng=np.random.default_rng(0))
    model.eval()
    np.testing.assert_array_equal(model.forward(images), model.forward(images))
    model.train()
    assert not np.array_equal(model.forward(images), model.forward(images))
    # predict_proba is always deterministic, whatever the mode.
    np.testing.assert_array_equal(model.predict_proba(images), model.predict_proba(images))
    assert model.training


def test_predict_api_shapes_and_types():
    model = MLP(784, (16,), 10, rng=np.random.default_rng(0))
    images, _ = make_batch(count=5)
    probabilities = model.predict_proba(images)
    assert probabilities.shape == (5, 10) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    square = images.reshape(5, 28, 28)
    np.testing.assert_array_equal(model.predict_proba(square), probabilities)
    np.testing.assert_array_equal(model.predict(images), probabilities.argmax(axis=1))
    assert model.predict_proba(square[0]).shape == (1, 10)
    assert model.predict_proba(images[0]).shape == (1, 10)
    assert model.predict_proba(np.zeros((0, 784), np.float32)).shape == (0, 10)
    with pytest.raises(ValueError, match="shape"):
        model.predict_proba(np.zeros((2, 392), np.float32))
    with pytest.raises(ValueError, match="shape"):
        model.predict_proba(np.zeros((2, 27, 27), np.float32))


def test_load_state_dict_is_strict_and_atomic():
    model = MLP(784, (16,), 10, rng=np.random.default_rng(0))
    state = model.state_dict()
    before = model.state_dict()
    broken = dict(state)
    broken["layers.2.bias"] = np.zeros(11, np.float32)
    with pytest.raises(ValueError, match="shape"):
        model.load_state_dict(broken)
    missing = {name: value for name, value in state.items() if name != "layers.0.bias"}
    with pytest.raises(ValueError, match="missing layers.0.bias"):
        model.load_state_dict(missing)
    with pytest.raises(ValueError, match="unexpected extra"):
        model.load_state_dict({**state, "extra": np.zeros(1)})
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
    model.load_state_dict(missing, strict=False)


def test_backward_requires_training_mode():
    model = MLP(784, (16,), 10, rng=np.random.default_rng(0))
    with pytest.raises(RuntimeError, match="train"):
        model.backward(np.zeros((1, 10), np.float32))


def test_invalid_architectures_are_rejected():
    with pytest.raises(ValueError, match="activation"):
        MLP(784, (16,), 10, "swish")
    with pytest.raises(ValueError):
        MLP(784, (0,), 10)
    with pytest.raises(ValueError):
        MLP(784, (16,), 10, dropout=1.0)


def test_backward_leaves_the_callers_gradient_alone():
    """Layers may overwrite the gradient they are handed (ReLU does, to save
    an array per step), but never the caller's own array."""
    model = MLP.from_specs(784, [{"type": "dense", "out_features": 10}, {"type": "relu"}],
                           rng=np.random.default_rng(21)).train()
    images, labels = make_batch(22)
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(images), labels)
    grad_logits = loss.backward()
    kept = grad_logits.copy()
    model.backward(grad_logits)
    np.testing.assert_array_equal(grad_logits, kept)

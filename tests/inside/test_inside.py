"""Looking inside the network: the trace matches the model's own
prediction, the softmax steps add up, integrated gradients are complete and
faithful on MNIST test digits, edits make copies and never touch the
original, and the scores and unit activity are what they claim."""

import numpy as np
import pytest

from digitpad.inside import (ModelEdits, attribution, attributions, damage_curve, edit_model, input_gradients,
                             network_layers, score_model, softmax_steps, trace, unit_activity)
from digitpad.inside.edits import UnitChange
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.nn import MLP


@pytest.fixture(scope="module")
def bundled():
    return load_checkpoint(bundled_checkpoint_path())[0]


@pytest.fixture(scope="module")
def small():
    model = MLP(784, (32, 16), 10, "relu", dropout=0.1, rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    for parameter in model.parameters():
        parameter.value[...] = rng.standard_normal(parameter.value.shape) * 0.2
    return model


def test_layers_name_the_real_weights(bundled):
    layers = network_layers(bundled)
    assert [layer.name for layer in layers] == ["hidden layer 1", "hidden layer 2", "output layer"]
    assert [layer.units for layer in layers] == [1024, 1024, 10]
    assert layers[0].weights is bundled.layers[0].weight.value       # not a copy
    assert layers[0].parameter_prefix == "layers.0" and layers[-1].is_output


def test_the_trace_is_what_the_model_predicts(bundled, mnist_test_split):
    images, labels = mnist_test_split
    for index in range(5):
        traced = trace(bundled, images[index].reshape(28, 28))
        np.testing.assert_allclose(traced.probabilities, bundled.predict_proba(images[index:index + 1])[0],
                                   atol=1e-6)
        first = traced.layers[0]
        np.testing.assert_allclose(first.z, images[index] @ first.layer.weights + first.layer.bias, rtol=1e-4,
                                   atol=1e-4)
        np.testing.assert_array_equal(first.a, np.maximum(first.z, 0))
        np.testing.assert_array_equal(traced.layers[1].inputs, first.a)
        assert traced.digit == int(bundled.predict(images[index:index + 1])[0])


def test_softmax_steps_take_the_softmax_apart():
    steps = softmax_steps(np.array([2.0, 1.0, 0.0]), temperature=2.0)
    np.testing.assert_allclose(steps.shifted, [0.0, -0.5, -1.0])
    np.testing.assert_allclose(steps.exponentials, np.exp([0.0, -0.5, -1.0]))
    assert steps.total == pytest.approx(np.exp([0.0, -0.5, -1.0]).sum())
    assert steps.probabilities.sum() == pytest.approx(1.0)
    assert softmax_steps(np.zeros(10)).entropy_bits == pytest.approx(np.log2(10))
    assert softmax_steps(np.array([100.0, 0, 0])).entropy_bits == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError):
        softmax_steps(np.zeros(3), temperature=0)


def test_input_gradients_match_finite_differences(small):
    model = MLP.from_specs(784, small.layer_specs(), dtype=np.float64)
    model.load_state_dict(small.state_dict())
    rng = np.random.default_rng(2)
    image = rng.random(784)
    gradient = input_gradients(model, image[None], 3)[0]
    for pixel in rng.choice(784, 12, replace=False):
        step = np.zeros(784)
        step[pixel] = 1e-5
        numeric = (model.logits((image + step)[None])[0, 3] - model.logits((image - step)[None])[0, 3]) / 2e-5
        assert gradient[pixel] == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_integrated_gradients_add_up_to_the_change_in_score(bundled, mnist_test_split):
    images, labels = mnist_test_split
    errors = []
    for index in range(40):
        digit = int(labels[index])
        total = attribution(bundled, images[index], digit, steps=256).sum()
        change = bundled.logits(images[index:index + 1])[0, digit] - bundled.logits(np.zeros((1, 784)))[0, digit]
        errors.append(abs(total - change) / abs(change))
    assert np.median(errors) < 0.02
    blank = np.zeros((28, 28), np.float32)
    assert not attribution(bundled, blank, 3).any()              # no ink, no credit


def test_attribution_is_faithful_on_mnist_test_digits(bundled, mnist_test_split):
    """Blanking the 20 pixels that pushed the digit's score up most lowers its
    probability more than blanking 20 random ink pixels, in at least 90% of cases."""
    images, labels = mnist_test_split
    rng = np.random.default_rng(0)
    wins, cases = 0, 300
    for index in range(cases):
        image, digit = images[index], int(labels[index])
        top = np.argsort(attribution(bundled, image, digit).reshape(-1))[::-1][:20]
        random = rng.choice(np.flatnonzero(image > 0), 20, replace=False)
        blanked_top, blanked_random = image.copy(), image.copy()
        blanked_top[top] = 0
        blanked_random[random] = 0
        probabilities = bundled.predict_proba(np.stack([blanked_top, blanked_random]))[:, digit]
        wins += probabilities[0] < probabilities[1]
    assert wins / cases >= 0.9


def test_several_digits_are_explained_at_once(bundled, mnist_test_split):
    images, _ = mnist_test_split
    together = attributions(bundled, images[0], [7, 9])
    np.testing.assert_allclose(together[1], attribution(bundled, images[0], 9), atol=1e-5)


def test_edits_make_a_copy_and_never_touch_the_original(small):
    before = {name: value.copy() for name, value in small.state_dict().items()}
    edits = ModelEdits(units_off=(UnitChange(0, 3),), bias_shifts=(UnitChange(1, 2, 0.5),),
                       weight_scales=(UnitChange(0, 5, 2.0),), prune_fraction=0.3, noise=0.1, noise_seed=4,
                       temperature=2.0)
    edited = edit_model(small, edits)
    for name, value in small.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
    layers = network_layers(edited)
    assert not layers[0].weights[:, 3].any() and not layers[1].weights[3].any()
    assert layers[0].bias[3] == 0
    image = np.random.default_rng(3).random((1, 784)).astype(np.float32)
    assert trace(edited, image[0]).layers[0].a[3] == 0              # the unit shows nothing
    again = edit_model(small, edits)                                # the same seed, the same network
    for name, value in again.state_dict().items():
        np.testing.assert_array_equal(value, edited.state_dict()[name])


def test_temperature_divides_the_scores_and_pruning_zeroes_the_smallest(small):
    image = np.random.default_rng(5).random((1, 784)).astype(np.float32)
    hot = edit_model(small, ModelEdits(temperature=4.0))
    np.testing.assert_allclose(hot.logits(image), small.logits(image) / 4.0, rtol=1e-5, atol=1e-6)
    pruned = network_layers(edit_model(small, ModelEdits(prune_fraction=0.5)))
    for layer, original in zip(pruned, network_layers(small)):
        assert np.mean(layer.weights == 0) == pytest.approx(0.5, abs=0.01)
        kept = np.abs(original.weights[layer.weights != 0])
        assert kept.min() >= np.abs(original.weights[layer.weights == 0]).max()


@pytest.mark.parametrize("edits, problem", [
    (ModelEdits(units_off=(UnitChange(2, 0),)), "no hidden unit"),
    (ModelEdits(bias_shifts=(UnitChange(0, 99),)), "no unit 99"),
    (ModelEdits(temperature=0.0), "temperature"),
    (ModelEdits(weight_scales=(UnitChange(0, 1, float("nan")),)), "finite"),
])
def test_edits_that_do_not_fit_are_refused(small, edits, problem):
    with pytest.raises(ValueError, match=problem):
        edit_model(small, edits)


def test_edits_round_trip_through_json_and_the_schema():
    edits = ModelEdits(units_off=(UnitChange(1, 7),), weight_scales=(UnitChange(0, 2, 0.5),), temperature=1.5)
    assert ModelEdits.from_dict(edits.to_dict()) == edits
    assert ModelEdits().to_dict() == {} and ModelEdits().is_identity
    from digitpad.storage.schema import SchemaError
    with pytest.raises(SchemaError, match="edits.temperature"):
        ModelEdits.from_dict({"temperature": -1})


def test_scores_activity_and_damage(bundled, mnist_test_split):
    images, labels = mnist_test_split
    scores = score_model(bundled, images[:2000], labels[:2000])
    assert scores.accuracy > 0.98 and 0 < scores.loss < 0.5 and 0.5 < scores.confidence <= 1
    activity = unit_activity(bundled, images[:2000])
    assert [len(layer) for layer in activity] == [1024, 1024]
    assert all(((layer >= 0) & (layer <= 1)).all() for layer in activity)
    curve = damage_curve(bundled, "prune", [0.0, 0.9, 0.999], images[:1000], labels[:1000])
    assert curve[0].accuracy > curve[2].accuracy and curve[2].accuracy < 0.5
    assert len(damage_curve(bundled, "noise", [0.1, 0.2], images[:100], labels[:100],
                            should_stop=lambda: True)) == 0

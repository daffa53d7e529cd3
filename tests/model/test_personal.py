"""Instant personal learning (``digitpad.model.personal.PersonalLayer``):
drawings far from every taught sample get exactly the network's
probabilities, a taught drawing reads as its label, forget and reset undo
exactly, MNIST accuracy holds with an odd writer's samples taught, every
sample's effect is listed, and the same samples give the same readings."""

import numpy as np
import pytest

from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.model.personal import PersonalLayer
from digitpad.train.personalise import PERSONALISERS, InstantPersonaliser
from digitpad.train.writers import Condition, replay
from tests.model.odd_writers import odd_writers


@pytest.fixture(scope="module")
def model():
    return load_checkpoint(bundled_checkpoint_path())[0]


@pytest.fixture(scope="module")
def odd_samples():
    """An odd writer's drawings as the network sees them: ``(30, 784)`` and labels."""
    digits = odd_writers(samples=3, seed=1, writers=("squeezed",))
    images = replay(digits, Condition(22.0, 250.0)).images
    return images.reshape(len(digits), -1), np.array([digit.label for digit in digits])


@pytest.fixture(scope="module")
def anchors(mnist_dir):
    from digitpad.data.mnist import as_float_images, load_mnist

    images, labels = load_mnist("train", mnist_dir, download=False)
    return as_float_images(images[:3000]).reshape(3000, -1), labels[:3000].astype(np.int64)


def test_far_drawings_get_exactly_the_networks_probabilities(model, odd_samples, mnist_test_split):
    layer = PersonalLayer(model)
    layer.teach_many(*odd_samples)
    images = mnist_test_split[0][:500]
    features, _ = layer.features(images)
    far = (features @ layer._features[:len(layer)].T).max(axis=1) < layer.base_reach
    assert far.sum() > 400
    assert np.array_equal(layer.predict_proba(images[far]), model.predict_proba(images[far]))


def test_a_taught_drawing_reads_as_its_label(model, odd_samples):
    images, labels = odd_samples
    wrong = np.flatnonzero(model.predict(images) != labels)
    assert len(wrong) >= 3, "the odd writer should be misread sometimes"
    layer = PersonalLayer(model)
    for index in wrong[:5]:
        effect = layer.teach(images[index], labels[index])
        assert effect.label == labels[index] and effect.network_digit != labels[index]
        assert layer.predict(images[index][None])[0] == labels[index]


def test_forget_and_reset_undo_exactly(model, odd_samples, mnist_test_split):
    images, labels = odd_samples
    probe = np.concatenate([images, mnist_test_split[0][:200]])
    layer = PersonalLayer(model)
    layer.teach_many(images[:10], labels[:10])
    before = layer.predict_proba(probe)
    added = layer.teach(images[10], labels[10])
    assert not np.array_equal(layer.predict_proba(probe), before)
    layer.forget(added.sample_id)
    assert np.array_equal(layer.predict_proba(probe), before)
    with pytest.raises(KeyError):
        layer.forget(added.sample_id)
    layer.reset()
    assert len(layer) == 0
    assert np.array_equal(layer.predict_proba(probe), model.predict_proba(probe))


def test_mnist_accuracy_holds_with_an_odd_writers_samples(model, odd_samples, mnist_test_split, anchors):
    images, labels = mnist_test_split[0][:2000], mnist_test_split[1][:2000]
    layer = PersonalLayer(model, anchors)
    layer.teach_many(*odd_samples)
    personal, network, changed = layer.mnist_accuracy(images, labels)
    assert (network - personal) * 100 <= 0.1 + 1e-9, (personal, network, changed)


def test_effects_list_every_sample(model, odd_samples):
    images, labels = odd_samples
    layer = PersonalLayer(model)
    ids = layer.teach_many(images, labels)
    effects = layer.effects()
    assert [effect.sample_id for effect in effects] == ids == layer.sample_ids
    assert [effect.label for effect in effects] == list(labels)
    assert all(0 <= effect.changes <= effect.reaches < len(ids) for effect in effects)
    assert any(effect.reaches > 0 for effect in effects)
    # The effect reported on teaching counts the samples taught before.
    fresh = PersonalLayer(model)
    fresh.teach_many(images[:-1], labels[:-1])
    last = fresh.teach(images[-1], labels[-1])
    assert (last.reaches, last.changes) == (effects[-1].reaches, effects[-1].changes)


def test_the_same_samples_give_the_same_readings(model, odd_samples):
    images, labels = odd_samples
    order = np.random.default_rng(3).permutation(len(labels))
    readings = []
    for _ in range(2):
        layer = PersonalLayer(model, rng=np.random.default_rng(0))
        layer.teach_many(images[order], labels[order])
        readings.append(layer.predict_proba(images))
    assert np.array_equal(*readings)


def test_instant_is_a_personaliser(model, odd_samples):
    images, labels = odd_samples
    personaliser = PERSONALISERS["instant"](model)
    assert isinstance(personaliser, InstantPersonaliser) and personaliser.temperature == model.temperature
    personaliser.teach(images.reshape(-1, 28, 28), labels)
    assert (personaliser.predict_proba(images).argmax(axis=1) == labels).mean() >= 0.9


def test_the_fast_effects_match_reading_without_each_sample_in_turn(model, odd_samples):
    """``_changes`` takes each sample's vote away in closed form; the
    textbook way reads every other sample again with that sample left out."""
    images, labels = odd_samples
    layer = PersonalLayer(model, reach=0.6)
    layer.teach_many(images, labels)
    n = len(layer)
    weights = layer._weights(layer._features[:n])
    compared = 0
    for row in range(n):
        row_weights = weights[row].copy()
        row_weights[row] = 0.0
        reached, changed = layer._changes(row, row_weights)
        network = layer._network[row][None]
        with_all = layer._blend(network, row_weights[None]).argmax()
        for position, other in enumerate(reached):
            without = row_weights.copy()
            without[other] = 0.0
            assert changed[position] == (layer._blend(network, without[None]).argmax() != with_all)
            compared += 1
    assert compared > 50


def test_teaching_in_one_pass_equals_teaching_one_by_one_and_a_copy_is_independent(model, odd_samples, anchors):
    images, labels = odd_samples
    together, one_by_one = PersonalLayer(model, anchors), PersonalLayer(model, anchors)
    together.teach_many(images, labels)
    for image, label in zip(images, labels):
        one_by_one.teach(image, label)
    np.testing.assert_allclose(together.predict_proba(images), one_by_one.predict_proba(images), atol=1e-6)
    twin = together.copy()
    twin.forget(twin.sample_ids[0])
    assert len(twin) == len(labels) - 1 and len(together) == len(labels)
    np.testing.assert_array_equal(together.predict_proba(images[:1]), one_by_one.predict_proba(images[:1]))

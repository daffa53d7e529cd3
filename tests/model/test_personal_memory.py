"""The personal memory in step with the saved samples: an update teaches
what is new, forgets what left or was relabelled, and reads exactly as a
memory built afresh from the same samples; the memory it starts from is
never changed; anchors are the same share of every class."""

import numpy as np
import pytest

from digitpad.data.handwriting.samples import PersonalSample
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.model.personal_memory import PersonalMemory, anchor_digits
from digitpad.train.writers import Condition, replay
from tests.model.odd_writers import odd_writers


@pytest.fixture(scope="module")
def model():
    return load_checkpoint(bundled_checkpoint_path())[0]


@pytest.fixture(scope="module")
def samples():
    digits = odd_writers(samples=2, seed=2, writers=("squeezed",))
    images = replay(digits, Condition(22.0, 250.0)).images.reshape(-1, 28, 28)
    return [PersonalSample(digit.label, np.round(image * 255).astype(np.uint8), sample_id=f"s{index}")
            for index, (digit, image) in enumerate(zip(digits, images))]


def _readings(memory, samples):
    return memory.layer.predict_proba(np.stack([sample.float_image().reshape(-1) for sample in samples]))


def test_updates_read_exactly_as_a_memory_built_afresh(model, samples):
    start = PersonalMemory.empty(model).updated(samples[:12])
    relabelled = PersonalSample((samples[3].label + 1) % 10, samples[3].image, sample_id=samples[3].sample_id)
    now = [sample for sample in samples[:12] if sample.sample_id != "s5"] + samples[12:]
    now[3] = relabelled
    updated = start.updated(now)
    afresh = PersonalMemory.empty(model).updated(now)
    assert updated.matches(now) and not start.matches(now) and start.matches(samples[:12])
    assert len(start) == 12 and len(updated) == len(now) == len(samples) - 1
    np.testing.assert_allclose(_readings(updated, samples), _readings(afresh, samples), atol=1e-6)
    np.testing.assert_array_equal(_readings(start, samples),
                                  _readings(PersonalMemory.empty(model).updated(samples[:12]), samples))


def test_effects_are_listed_by_saved_sample_and_can_be_stopped(model, samples):
    memory = PersonalMemory.empty(model).updated(samples)
    effects = memory.effects()
    assert set(effects) == {sample.sample_id for sample in samples}
    assert all(effects[sample.sample_id].label == sample.label for sample in samples)
    assert memory.effects(stop=lambda: True) is None


def test_anchors_are_an_even_share_of_every_class_and_the_same_each_time():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 5000)
    images = rng.integers(0, 256, (5000, 28, 28)).astype(np.uint8)
    chosen, chosen_labels = anchor_digits(images, labels, count=1000)
    assert chosen.shape == (1000, 784) and chosen.dtype == np.float32 and chosen.max() <= 1.0
    assert np.bincount(chosen_labels, minlength=10).tolist() == [100] * 10
    again, _ = anchor_digits(images, labels, count=1000)
    np.testing.assert_array_equal(chosen, again)

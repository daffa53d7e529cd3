"""Calibrated confidence: the expected calibration error of a case worked out
by hand, the fitted temperature recovering a known one and lowering the
validation loss, the temperature applied by predict_proba (logits stay raw),
kept through a checkpoint and refused when a file tampers with it, and the
bundled model meeting its targets on the MNIST test set."""

import json

import numpy as np
import pytest

from digitpad.model import calibration
from digitpad.model.calibration import (ECE_BINS, NOT_SURE_BELOW, Reliability, expected_calibration_error,
                                        fit_temperature, median_confidence_when_right, negative_log_likelihood,
                                        not_sure_threshold, reliability, scaled_probabilities)
from digitpad.model.checkpoint import (METADATA_KEY, CheckpointError, bundled_checkpoint_path, load_checkpoint,
                                       save_checkpoint)
from digitpad.nn import MLP


def test_the_expected_calibration_error_of_a_case_worked_out_by_hand():
    # Two digits at confidence 0.9 (bin 14: (0.933, 1] holds neither; 0.9 is in
    # bin 13, (0.867, 0.933]), one right and one wrong: gap |0.5 - 0.9| = 0.4.
    # Two at 0.6 (bin 8, (0.533, 0.6]), both right: gap |1 - 0.6| = 0.4.
    # Each bin holds half the digits: ECE = 0.5 * 0.4 + 0.5 * 0.4 = 0.4.
    probabilities = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.4, 0.6]])
    labels = np.array([0, 1, 0, 1])
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.4)
    bins = reliability(probabilities, labels)
    assert len(bins.counts) == ECE_BINS == 15 and bins.counts.sum() == 4
    assert bins.counts[13] == 2 and bins.counts[8] == 2
    assert bins.accuracy[13] == 0.5 and bins.mean_confidence[8] == pytest.approx(0.6)
    assert np.isnan(bins.accuracy[0])
    # Honest confidence: of the digits read 75% sure, 3 in 4 right.
    honest = np.array([[0.75, 0.25]] * 4)
    assert expected_calibration_error(honest, np.array([0, 0, 0, 1])) == pytest.approx(0.0)
    assert median_confidence_when_right(honest, np.array([0, 0, 0, 1])) == 0.75


def test_reliability_survives_its_json_form():
    rng = np.random.default_rng(0)
    probabilities = scaled_probabilities(rng.normal(size=(500, 10)) * 3, 1.0)
    labels = rng.integers(0, 10, 500)
    bins = reliability(probabilities, labels)
    record = calibration.RELIABILITY.validate(json.loads(json.dumps(bins.to_record())))
    again = Reliability.from_record(record)
    assert again.ece == pytest.approx(bins.ece) and np.array_equal(again.counts, bins.counts)
    with pytest.raises(ValueError, match="lengths"):
        Reliability.from_record({**record, "counts": record["counts"][:-1]})


def _synthetic(temperature: float, count: int = 20000, seed: int = 1):
    """Logits whose labels are drawn from softmax(logits / temperature)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(count, 10)) * 4
    probabilities = scaled_probabilities(logits, temperature)
    labels = (probabilities.cumsum(axis=1) > rng.random((count, 1))).argmax(axis=1)
    return logits, labels


@pytest.mark.parametrize("true_temperature", [0.5, 2.0])
def test_the_fitted_temperature_recovers_a_known_one_and_lowers_the_loss(true_temperature):
    logits, labels = _synthetic(true_temperature)
    fitted = fit_temperature(logits, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.05)
    assert fit_temperature(logits, labels) == fitted                          # deterministic
    assert negative_log_likelihood(logits, labels, fitted) < negative_log_likelihood(logits, labels)
    assert expected_calibration_error(scaled_probabilities(logits, fitted), labels) < \
        expected_calibration_error(scaled_probabilities(logits, 1.0), labels)
    with pytest.raises(ValueError):
        fit_temperature(np.zeros((0, 10)), np.zeros(0, np.int64))


def test_the_not_sure_threshold_is_where_half_the_digits_below_it_are_wrong():
    confidence = np.array([0.3, 0.45, 0.55, 0.62, 0.72, 0.78, 0.85, 0.9, 0.95, 0.99])
    correct = np.array([0, 0, 1, 0, 1, 0, 1, 1, 1, 1], bool)
    # Below 0.85: 4 wrong of 6 (67%); below 0.9: 4 of 7 (57%); below 0.95:
    # 4 of 8 — still half; below 0.99 only 4 of 9.
    assert not_sure_threshold(confidence, correct) == 0.95
    assert not_sure_threshold(confidence, correct, wrong_share=0.6) == 0.85
    with pytest.raises(ValueError):
        not_sure_threshold(confidence, np.ones(10, bool))


def test_predict_proba_applies_the_temperature_and_logits_stay_raw():
    model = MLP(hidden_sizes=(16,), rng=np.random.default_rng(0))
    images = np.random.default_rng(1).random((5, 784), dtype=np.float32)
    raw, plain = model.logits(images), model.predict_proba(images)
    model.temperature = 0.5
    np.testing.assert_array_equal(model.logits(images), raw)
    sharp = model.predict_proba(images)
    np.testing.assert_allclose(sharp, scaled_probabilities(raw, 0.5), rtol=1e-5, atol=1e-7)
    assert np.array_equal(sharp.argmax(axis=1), plain.argmax(axis=1))
    assert (sharp.max(axis=1) >= plain.max(axis=1) - 1e-7).all()


def test_a_checkpoint_keeps_the_temperature_and_old_ones_load_with_t_1(tmp_path):
    model = MLP(hidden_sizes=(16,), rng=np.random.default_rng(0))
    save_checkpoint(model, tmp_path / "plain.npz")
    loaded, metadata = load_checkpoint(tmp_path / "plain.npz")
    assert loaded.temperature == 1.0 and "calibration" not in metadata        # as written before calibration
    model.temperature = 0.37
    save_checkpoint(model, tmp_path / "calibrated.npz", {"calibration": {"temperature": 0.37, "ece_before": 0.1}})
    loaded, metadata = load_checkpoint(tmp_path / "calibrated.npz")
    assert loaded.temperature == 0.37 and metadata["calibration"]["ece_before"] == 0.1
    # Figures recorded for another temperature are not carried over to this one.
    model.temperature = 0.5
    save_checkpoint(model, tmp_path / "refitted.npz", metadata)
    assert load_checkpoint(tmp_path / "refitted.npz")[1]["calibration"] == {"temperature": 0.5}


def _with_metadata(source, target, change):
    """Copy the checkpoint ``source`` to ``target`` with ``change(metadata)`` applied."""
    with np.load(source, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    metadata = json.loads(arrays[METADATA_KEY].tobytes())
    change(metadata)
    arrays[METADATA_KEY] = np.frombuffer(json.dumps(metadata).encode(), np.uint8)
    with open(target, "wb") as stream:
        np.savez(stream, **arrays)


@pytest.mark.parametrize("temperature", [-1.0, 0.0, "NaN", 1e9, "warm", True, None])
def test_a_tampered_temperature_is_refused_naming_the_file(tmp_path, temperature):
    model = MLP(hidden_sizes=(16,), rng=np.random.default_rng(0))
    model.temperature = 0.5
    save_checkpoint(model, tmp_path / "good.npz")
    bad = tmp_path / "tampered.npz"
    value = float("nan") if temperature == "NaN" else temperature
    _with_metadata(tmp_path / "good.npz", bad, lambda metadata: metadata["calibration"].update(temperature=value))
    before = bad.read_bytes()
    # JSON itself has no NaN: the reader refuses it before the schema sees it.
    problem = "NaN is not a number JSON allows" if temperature == "NaN" else "calibration.temperature: expected"
    with pytest.raises(CheckpointError, match=rf"tampered\.npz: .*{problem}"):
        load_checkpoint(bad)
    assert bad.read_bytes() == before
    assert load_checkpoint(tmp_path / "good.npz")[0].temperature == 0.5
    model.temperature = value
    with pytest.raises(CheckpointError, match="calibration.temperature"):
        save_checkpoint(model, tmp_path / "never.npz")
    assert not (tmp_path / "never.npz").exists()


def test_the_bundled_model_meets_the_calibration_targets_on_mnist_test(mnist_test_split):
    images, labels = mnist_test_split
    model, metadata = load_checkpoint(bundled_checkpoint_path())
    assert 0.3 < model.temperature < 0.7 and metadata["calibration"]["temperature"] == model.temperature
    probabilities = model.predict_proba(images)
    assert float((probabilities.argmax(axis=1) == labels).mean()) == pytest.approx(0.9928, abs=1e-9)
    assert expected_calibration_error(probabilities, labels) <= 0.01
    assert median_confidence_when_right(probabilities, labels) >= 0.99
    # Uncalibrated, the same network was off by 8.7% and never quite sure.
    model.temperature = 1.0
    assert expected_calibration_error(model.predict_proba(images), labels) > 0.08
    assert NOT_SURE_BELOW == 0.5


def test_the_labs_temperature_and_adapting_keep_the_calibration(tmp_path):
    from digitpad.gui.lab.edited_checkpoint import edited_metadata
    from digitpad.inside import ModelEdits, edit_model
    from digitpad.train.adapt import copy_model

    model = MLP(hidden_sizes=(16,), rng=np.random.default_rng(0))
    model.temperature = 0.5
    images = np.random.default_rng(1).random((5, 784), dtype=np.float32)
    edited = edit_model(model, ModelEdits(temperature=4.0))
    assert edited.temperature == 0.5
    np.testing.assert_allclose(edited.predict_proba(images), scaled_probabilities(model.logits(images), 2.0),
                               rtol=1e-4, atol=1e-6)
    assert copy_model(model).temperature == 0.5
    metadata = {"calibration": {"temperature": 0.5, "fitted_on": "MNIST validation split", "ece_after": 0.01}}
    kept = edited_metadata(metadata, ModelEdits(temperature=4.0), tmp_path / "original.npz")
    assert kept["calibration"] == {"temperature": 0.5, "fitted_on": "MNIST validation split"}
    save_checkpoint(edited, tmp_path / "edited.npz", kept)
    assert load_checkpoint(tmp_path / "edited.npz")[0].temperature == 0.5


def test_the_not_sure_line_is_derived_from_the_bundled_models_calibrated_validation_split(mnist_dir):
    from digitpad.train.config import TrainConfig
    from digitpad.train.run import load_training_data

    model, metadata = load_checkpoint(bundled_checkpoint_path())
    data = load_training_data(TrainConfig.from_dict(metadata["training"]), mnist_dir, download=False, environ={})
    probabilities = model.predict_proba(data.validation_images)
    correct = probabilities.argmax(axis=1) == data.validation_labels
    assert len(correct) == 5000
    assert not_sure_threshold(probabilities.max(axis=1), correct) == NOT_SURE_BELOW == 0.5

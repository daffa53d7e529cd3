"""A training run calibrates its deliverable: after choosing the best epoch
it fits the softmax temperature on the validation split, stores it in
best.npz and reports the calibration error before and after; a run without
a validation split says so and leaves the temperature at 1."""

import json
from dataclasses import replace

import numpy as np
import pytest

from digitpad.model.calibration import NO_VALIDATION, expected_calibration_error
from digitpad.model.checkpoint import load_checkpoint
from digitpad.train import run_training
from tests.train.test_trainer import quick_config


def test_a_training_run_stores_a_fitted_temperature_and_reports_it(small_mnist, tmp_path):
    result = run_training(quick_config(epochs=2, augment=False), tmp_path / "run", data=small_mnist)
    model, metadata = load_checkpoint(tmp_path / "run" / "best.npz")
    calibration = metadata["calibration"]
    assert model.temperature == calibration["temperature"] != 1.0
    assert result.model.temperature == model.temperature
    assert calibration["nll_after"] < calibration["nll_before"]
    assert calibration["count"] == len(small_mnist.validation_labels) == 500
    probabilities = model.predict_proba(small_mnist.test_images)
    assert expected_calibration_error(probabilities, small_mnist.test_labels) == \
        pytest.approx(calibration["test_ece_after"], abs=1e-6)
    assert metadata["metrics"]["test_accuracy"] == result.report["accuracy"]
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    for key in ("ece_before", "ece_after", "test_ece_before", "test_ece_after", "temperature"):
        assert report["calibration"][key] == pytest.approx(calibration[key])
    markdown = (tmp_path / "run" / "report.md").read_text()
    assert "## Calibration" in markdown and f"T = {model.temperature:.4f}" in markdown
    assert f"{calibration['test_ece_before']:.2%} | {calibration['test_ece_after']:.2%}" in markdown


def test_a_run_without_a_validation_split_stays_at_temperature_1(small_mnist, tmp_path):
    data = replace(small_mnist, validation_images=None, validation_labels=None)
    run_training(quick_config(epochs=1, augment=False, validation_size=0), tmp_path / "run", data=data)
    model, metadata = load_checkpoint(tmp_path / "run" / "best.npz")
    assert model.temperature == 1.0 and "calibration" not in metadata
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["calibration"] == {"temperature": 1.0, "note": NO_VALIDATION}
    assert "no validation split" in (tmp_path / "run" / "report.md").read_text()
    assert np.isfinite(report["accuracy"])

"""scripts/calibrate.py fits a checkpoint's temperature on the validation
split its training run held out and writes the calibrated copy only where it
is told to; scripts/model_card.py puts the figures in the model card."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "calibrate.py"


def test_calibrate_writes_a_calibrated_copy_and_leaves_the_original(tmp_path, mnist_dir):
    bundled = bundled_checkpoint_path()
    original = bundled.read_bytes()
    output = tmp_path / "calibrated.npz"
    completed = subprocess.run([sys.executable, str(SCRIPT), str(bundled), "--data-dir", str(mnist_dir),
                                "--output", str(output)], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "validation split" in completed.stdout and "MNIST test" in completed.stdout
    assert "ECE   8.25% ->  0.13%" in completed.stdout and "accuracy 99.28% -> 99.28%" in completed.stdout
    assert bundled.read_bytes() == original
    model, metadata = load_checkpoint(output)
    assert model.temperature == pytest.approx(load_checkpoint(bundled)[0].temperature, rel=1e-9)
    assert metadata["calibration"]["test_ece_after"] <= 0.01


def test_calibrate_refuses_to_write_without_being_told_where(tmp_path):
    completed = subprocess.run([sys.executable, str(SCRIPT), str(bundled_checkpoint_path())],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2 and "--output" in completed.stderr


def test_the_model_card_gets_its_calibration_section():
    spec = importlib.util.spec_from_file_location("model_card", REPO_ROOT / "scripts" / "model_card.py")
    model_card = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model_card)
    calibration = load_checkpoint(bundled_checkpoint_path())[1]["calibration"]
    card = "# Card\n\n## Input\n\nPixels.\n"
    updated = model_card.update_calibration_section(card, calibration)
    assert updated.index("## Calibration") < updated.index("## Input")
    assert "| MNIST test | 8.28% | 0.11% | 0.9238 | 0.9991 |" in updated
    assert model_card.update_calibration_section(updated, calibration) == updated
    assert "## Calibration" in (REPO_ROOT / "models" / "README.md").read_text()

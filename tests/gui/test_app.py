"""Start-up: the model the app opens with (explicit, last used, bundled) and
how a broken one is reported instead of stopping the app."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from digitpad.gui.app import choose_model, icon_path
from digitpad.model.checkpoint import bundled_checkpoint_path, save_checkpoint
from digitpad.nn import MLP

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_starts_with_the_bundled_model_by_default(settings):
    model, path, metadata, warning = choose_model(settings, None)
    assert path == bundled_checkpoint_path() and warning is None
    assert metadata["metrics"]["test_accuracy"] >= 0.992


def test_last_used_checkpoint_is_reopened(settings, tmp_path):
    saved = save_checkpoint(MLP(784, (8,), 10, rng=np.random.default_rng(0)), tmp_path / "mine.npz")
    settings.set_last_checkpoint(str(saved))
    model, path, metadata, warning = choose_model(settings, None)
    assert path == saved and model.hidden_sizes == (8,) and warning is None


def test_a_broken_checkpoint_falls_back_to_the_bundled_model_with_a_warning(settings, tmp_path):
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"garbage")
    settings.set_last_checkpoint(str(broken))
    model, path, metadata, warning = choose_model(settings, None)
    assert path == bundled_checkpoint_path()
    assert str(broken) in warning and "bundled model" in warning
    model, path, metadata, warning = choose_model(settings, str(broken))
    assert path == bundled_checkpoint_path() and str(broken) in warning


def test_icon_is_found():
    assert icon_path() is not None and icon_path().name == "digitpad.png"


def test_python_m_digitpad_version():
    completed = subprocess.run([sys.executable, "-m", "digitpad", "--version"], capture_output=True,
                               text=True, cwd=REPO_ROOT, timeout=60)
    assert completed.returncode == 0 and completed.stdout.startswith("digitpad ")


def test_self_test_passes_and_prints_one_line():
    completed = subprocess.run([sys.executable, "-m", "digitpad", "--self-test"], capture_output=True,
                               text=True, cwd=REPO_ROOT, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("digitpad self-test passed")
    assert completed.stderr.strip() == ""


def test_self_test_fails_with_a_model_that_cannot_read(monkeypatch, tmp_path, capsys, qapp):
    import digitpad.model.checkpoint as checkpoint
    from digitpad.gui.self_test import run_self_test

    untrained = save_checkpoint(MLP(784, (8,), 10, rng=np.random.default_rng(0)), tmp_path / "untrained.npz")
    monkeypatch.setattr(checkpoint, "bundled_checkpoint_path", lambda: untrained)
    assert run_self_test() == 1
    output = capsys.readouterr().out
    assert output.startswith("digitpad self-test FAILED") and "read as" in output

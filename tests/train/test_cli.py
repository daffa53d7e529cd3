"""The digitpad-train command: help, exit codes and messages for bad
arguments and failures, a real (small) run, and Ctrl+C saving a resumable
checkpoint."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitpad.checkpoint import read_checkpoint
from digitpad.train.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "train_mnist.py"


def test_help_lists_every_hyperparameter(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--hidden-sizes", "--activation", "--optimizer", "--learning-rate", "--schedule",
                   "--batch-size", "--epochs", "--weight-decay", "--dropout", "--augment",
                   "--augment-strength", "--seed", "--data-dir", "--output-dir", "--preset",
                   "--resume", "--label-smoothing", "--max-grad-norm", "--warmup-epochs"):
        assert option in text


@pytest.mark.parametrize("arguments, message", [
    (["--learning-rate", "-1"], "learning rate must be positive"),
    (["--epochs", "many"], "invalid int value"),
    (["--activation", "swish"], "invalid choice"),
    (["--dropout", "1.5"], "dropout must be in"),
    (["--nesterov"], "Nesterov momentum needs --optimizer sgd"),
    (["--resume", "runs/x", "--epochs", "3"], "do not combine it with --epochs"),
    (["--preset", "huge"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_a_message(capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_mnist_exits_1_with_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DIGITPAD_MNIST_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code = main(["--preset", "tiny", "--data-dir", str(tmp_path / "empty"), "--no-download",
                 "--output-dir", str(tmp_path / "run"), "--quiet"])
    error = capsys.readouterr().err
    assert code == 1
    assert error.startswith("error: ") and "Traceback" not in error
    assert "DIGITPAD_MNIST_DIR" in error


def test_resume_of_a_folder_without_a_run_exits_1(tmp_path, capsys):
    assert main(["--resume", str(tmp_path), "--quiet"]) == 1
    assert "config.json" in capsys.readouterr().err


def test_small_run_succeeds(tmp_path, capsys, mnist_dir):
    code = main(["--preset", "tiny", "--train-subset", "2000", "--validation-size", "200",
                 "--epochs", "1", "--data-dir", str(mnist_dir), "--output-dir", str(tmp_path / "run"),
                 "--quiet"])
    output = capsys.readouterr().out
    assert code == 0
    assert "Test accuracy" in output and str(tmp_path / "run" / "best.npz") in output
    assert (tmp_path / "run" / "report.md").exists()


def test_ctrl_c_saves_a_resumable_checkpoint_and_exits_cleanly(tmp_path, mnist_dir):
    run_dir = tmp_path / "run"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--preset", "tiny", "--epochs", "500", "--train-subset", "3000",
         "--validation-size", "300", "--data-dir", str(mnist_dir), "--output-dir", str(run_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    deadline = time.monotonic() + 60
    while not (run_dir / "last.npz").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "training did not start"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    output, error = process.communicate(timeout=60)
    assert process.returncode == 130, error
    assert "Traceback" not in error
    assert "Continue with: digitpad-train --resume" in error
    state = read_checkpoint(run_dir / "last.npz")
    assert 1 <= state.metadata["trainer"]["epoch"] < 500
    assert state.optimizer_state is not None

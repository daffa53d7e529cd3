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

from digitpad.model.checkpoint import read_checkpoint
from digitpad.nn import MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE
from digitpad.train.cli import build_parser, main
from digitpad.train.config import HYPERPARAMETERS, config_from_preset
from digitpad.train.settings import GROUPS

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
    for item in HYPERPARAMETERS:
        assert item.option in text
    for group in (*GROUPS, "data and output"):
        assert f"\n{group}:\n" in text
    assert "--augment, --no-augment" in text and "sigmoid" in text and "(default: 512 256)" in text


def test_options_are_generated_from_the_description_and_override_the_preset():
    parser = build_parser()
    args = parser.parse_args([])
    assert all(getattr(args, item.name) is None for item in HYPERPARAMETERS)    # the preset decides
    args = parser.parse_args(["--preset", "bundled", "--no-augment", "--hidden-sizes", "64", "32",
                              "--optimizer", "sgd", "--nesterov", "--augment-styles", "0.25"])
    given = {item.name: getattr(args, item.name) for item in HYPERPARAMETERS}
    config = config_from_preset(args.preset, **given)
    assert config == config_from_preset("bundled").replace(
        augment=False, hidden_sizes=(64, 32), optimizer="sgd", nesterov=True, augment_styles=0.25)


@pytest.mark.parametrize("arguments, message", [
    (["--learning-rate", "-1"], "learning rate must be positive"),
    (["--epochs", "many"], "invalid int value"),
    (["--activation", "swish"], "invalid choice"),
    (["--dropout", "1.5"], "dropout must be in"),
    (["--nesterov"], "Nesterov momentum needs --optimizer sgd"),
    (["--resume", "runs/x", "--epochs", "3"], "do not combine it with --epochs"),
    (["--resume", "runs/x", "--augment-styles", "0.5", "--no-augment"],
     "do not combine it with --augment, --augment-styles"),
    (["--resume", "runs/x", "--preset", "fast"], "do not combine it with --preset/--output-dir"),
    (["--gamma", "0"], "gamma must be in (0, 1]"),
    (["--schedule", "linear"], "invalid choice"),
    (["--preset", "huge"], "invalid choice"),
    # Values that used to crash or train a whole epoch before failing.
    (["--warmup-epochs", "nan"], "warmup epochs must be a finite number, got nan"),
    (["--augment-strength", "inf"], "augment strength must be a finite number, got inf"),
    (["--augment-strength", "nan"], "augment strength must be a finite number, got nan"),
    (["--max-grad-norm", "nan"], "max grad norm must be a finite number, got nan"),
    (["--learning-rate", "inf"], "learning rate must be a finite number"),
    (["--augment", "--augment-strength", "1e300"], "augmentation strength 1e+300 is too strong"),
    (["--seed", "-1"], "seed must be a whole number from 0 to"),
    (["--seed", str(2**63)], "seed must be a whole number from 0 to"),
    (["--hidden-sizes", str(MAX_LAYER_SIZE + 1)], f"layers of at most {MAX_LAYER_SIZE:,} units"),
    (["--hidden-sizes", "10000000"], f"layers of at most {MAX_LAYER_SIZE:,} units"),
    (["--hidden-sizes", *["8"] * (MAX_HIDDEN_LAYERS + 1)], f"at most {MAX_HIDDEN_LAYERS} hidden layers"),
    (["--hidden-sizes", "0"], "layer sizes must be positive"),
    (["--epochs", "100000000"], "epochs must be a whole number from 1 to"),
    (["--batch-size", "0"], "batch size must be a whole number from 1 to"),
    (["--step-epochs", "0"], "step epochs must be a whole number from 1 to"),
    (["--patience", "-1"], "patience must be a whole number from 0 to"),
    (["--validation-size", "60000"], "validation size must be 0 (none) or from 10 to 59,990"),
    (["--train-subset", "2000", "--validation-size", "2000"],
     "validation size must be 0 (none) or from 10 to 1,990"),
    (["--train-subset", "5"], "train subset must be 0"),
    (["--train-subset", "100000"], "train subset must be a whole number from 0 to 60,000"),
])
def test_bad_arguments_exit_2_with_a_message(capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error


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


def test_missing_data_dir_is_not_replaced_by_the_environment(tmp_path, capsys, monkeypatch, mnist_dir):
    # Real MNIST in $DIGITPAD_MNIST_DIR must not be used instead of --data-dir.
    monkeypatch.setenv("DIGITPAD_MNIST_DIR", str(mnist_dir))
    code = main(["--preset", "tiny", "--data-dir", str(tmp_path / "nonexistent"),
                 "--output-dir", str(tmp_path / "run"), "--quiet"])
    error = capsys.readouterr().err
    assert code == 1 and "Traceback" not in error
    assert error.startswith(f"error: {tmp_path / 'nonexistent'}: this folder does not exist")
    assert not (tmp_path / "run").exists() and not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("text", ['{"dropout": NaN}', '{"learning_rate": Infinity}', '{"seed": -1}',
                                  '{"hidden_sizes": [100000000]}', '{"epochs": 1e400}',
                                  "[" * 100_000 + "]" * 100_000, '{"preset": "' + "x" * (2 << 20) + '"}',
                                  "[1, 2]", "\udcff"],
                         ids=["nan", "infinity", "seed", "huge-layer", "huge-epochs", "deep", "huge-file",
                              "list", "not-utf8"])
def test_resume_refuses_a_tampered_config(tmp_path, capsys, text):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.json").write_text(text, encoding="utf-8", errors="surrogateescape")
    assert main(["--resume", str(run_dir), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {run_dir / 'config.json'}: cannot use this run configuration")
    assert "Traceback" not in error and error.count("\n") == 1


def test_resume_of_a_tampered_checkpoint_exits_1_naming_the_field(tmp_path, capsys, mnist_dir, small_mnist):
    from tests.train.test_resume_validation import CONFIG, rewrite_last
    from tests.train.test_trainer import StopAt
    from digitpad.train import run_training

    run_dir = tmp_path / "run"
    run_training(CONFIG, run_dir, data=small_mnist, callbacks=[StopAt(2, 11)])
    rewrite_last(run_dir, change_trainer=lambda trainer: trainer.update(epoch=-5))
    assert main(["--resume", str(run_dir), "--data-dir", str(mnist_dir), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error == (f"error: {run_dir / 'last.npz'}: invalid training state: trainer.epoch: "
                     f"expected an integer from 0 to {CONFIG.epochs}, got -5\n")


def test_small_run_succeeds(tmp_path, capsys, mnist_dir):
    code = main(["--preset", "tiny", "--train-subset", "2000", "--validation-size", "200",
                 "--epochs", "1", "--data-dir", str(mnist_dir), "--output-dir", str(tmp_path / "run"),
                 "--quiet"])
    output = capsys.readouterr().out
    assert code == 0
    assert "Test accuracy" in output and str(tmp_path / "run" / "best.npz") in output
    assert (tmp_path / "run" / "report.md").exists()


def test_the_findings_are_printed_at_the_end_with_what_to_try(tmp_path, capsys, mnist_dir):
    code = main(["--preset", "tiny", "--train-subset", "2000", "--validation-size", "200", "--epochs", "1",
                 "--learning-rate", "1.0", "--batch-size", "32", "--data-dir", str(mnist_dir),
                 "--output-dir", str(tmp_path / "run"), "--quiet"])
    output = capsys.readouterr().out
    assert code == 0
    assert "What the diagnosis found:" in output
    assert "- divergence (epoch 1): The loss is rising" in output and "Try: Learning rate 0.1" in output
    assert "**divergence**" in (tmp_path / "run" / "report.md").read_text()


def test_a_diverged_run_prints_its_findings_after_the_error(tmp_path, capsys, mnist_dir):
    code = main(["--preset", "tiny", "--train-subset", "2000", "--validation-size", "200", "--epochs", "1",
                 "--optimizer", "sgd", "--activation", "leaky_relu", "--learning-rate", "1e30",
                 "--batch-size", "32",
                 "--data-dir", str(mnist_dir), "--output-dir", str(tmp_path / "run"), "--quiet"])
    error = capsys.readouterr().err
    assert code == 1
    assert error.startswith("error: training diverged: ") and "- divergence (epoch 1)" in error


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

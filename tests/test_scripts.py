"""The command-line scripts that produce reports run end to end (on small samples)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_script(name, *arguments, timeout=300):
    """Run ``scripts/name`` with ``arguments`` (offscreen Qt); the completed process."""
    return subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / name), *map(str, arguments)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_evaluate_writes_the_report_and_its_plots(tmp_path, mnist_dir):
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "evaluate.py"), str(REPO_ROOT / "models" / "digitpad-mlp.npz"),
         "--data-dir", str(mnist_dir), "--no-download", "--output-dir", str(tmp_path), "--sample", "40",
         "--drawn-sample", "4"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert completed.returncode == 0, completed.stderr
    assert "MNIST test accuracy" in completed.stdout and "Rotation" in completed.stdout
    report = json.loads((tmp_path / "robustness.json").read_text())
    assert report["mnist_accuracy"] > 0.99
    assert [curve["name"] for curve in report["curves"]] == ["rotation", "scale", "shift", "thickness",
                                                             "noise", "drawn"]
    assert (tmp_path / "robustness.png").stat().st_size > 10000


def test_evaluate_reports_a_bad_checkpoint(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"x")
    completed = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "evaluate.py"), str(bad)],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1 and str(bad) in completed.stderr and "Traceback" not in completed.stderr


def test_the_labelling_benchmark_runs(tmp_path):
    completed = run_script("bench_labelling.py", "--samples", 200, "--labels", 4)
    assert completed.returncode == 0, completed.stderr
    assert "Labelling in the window" in completed.stdout and "Rewriting the whole set" in completed.stdout


def test_the_styles_benchmark_runs_and_names_every_style(mnist_dir):
    completed = run_script("bench_styles.py", "--data-dir", mnist_dir, "--per-style", 10)
    assert completed.returncode == 0, completed.stderr
    for name in ("slashed 0", "long flag", "one-stroke 4", "crossed 7", "curled tail", "slowly sampled pen",
                 "thick pen", "template: open 4", "plain MNIST test"):
        assert name in completed.stdout, name


def test_the_latency_benchmark_reads_through_a_personal_memory(mnist_dir):
    completed = run_script("bench_latency.py", "--no-views", "--digits", 1, "--personal-samples", 50,
                           "--data-dir", mnist_dir)
    assert completed.returncode == 0, completed.stderr
    assert "personal memory (51 samples)" in completed.stdout and "One more label" in completed.stdout


def test_the_adapt_benchmark_runs(mnist_dir):
    completed = run_script("bench_adapt.py", "--data-dir", mnist_dir, "--writers", "squeezed", "--samples", 3,
                           "--measure", 2, "--set", "epochs=1", "--set", "mnist_digits=500")
    assert completed.returncode == 0, completed.stderr
    assert "squeezed" in completed.stdout and "pooled" in completed.stdout.lower()

#!/usr/bin/env python3
"""Robustness report for a checkpoint: MNIST test accuracy; accuracy curves
under rotation, scaling, shift, stroke thickness and noise (for the bare
network and through digitpad's preprocessing); accuracy on MNIST test digits
redrawn as pen strokes through the canvas renderer at several pen widths and
sizes; and on pen templates of every digit including unusual writing styles.
Prints the figures and writes robustness.json and robustness.png.

    python scripts/evaluate.py CHECKPOINT [--data-dir DIR] [--output-dir DIR]
                               [--sample 2000] [--drawn-sample 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--data-dir", type=Path, help="MNIST folder (else the usual search)")
    parser.add_argument("--no-download", action="store_true")
    parser.add_argument("--output-dir", type=Path, default=Path("."))
    parser.add_argument("--sample", type=int, default=2000, help="test digits per perturbation curve")
    parser.add_argument("--drawn-sample", type=int, default=500, help="test digits redrawn with a pen")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import numpy as np

    from digitpad.model.checkpoint import CheckpointError, load_checkpoint
    from digitpad.data.mnist import MnistError, as_float_images, load_mnist
    from digitpad.train.robustness import robustness_report

    try:
        model, _ = load_checkpoint(args.checkpoint)
        images, labels = load_mnist("test", args.data_dir, download=not args.no_download)
    except (CheckpointError, MnistError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    report = robustness_report(model, as_float_images(images).reshape(images.shape),
                               labels.astype(np.int64), sample=args.sample,
                               drawn_sample=args.drawn_sample, seed=args.seed, progress=show)
    print(f"\nRedrawn MNIST test digits, mean over pen widths and sizes: {report.drawn_accuracy * 100:.2f}%")
    print(f"({time.perf_counter() - started:.0f} s)")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "robustness.json").write_text(json.dumps(report.to_dict(), indent=1))

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from digitpad.gui.evaluation.robustness_plots import RobustnessPlots

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - needed to paint
    plots = RobustnessPlots()
    plots.resize(1100, 720)
    for curve in report.curves:
        plots.addCurve(curve)
    plots.setFigure("mnist", report.mnist_accuracy)
    plots.setFigure("drawn", report.drawn_accuracy)
    plots.setFigure("templates", report.template_accuracy)
    plots.grab().save(str(args.output_dir / "robustness.png"))
    print(f"Wrote {args.output_dir / 'robustness.json'} and {args.output_dir / 'robustness.png'}")
    return 0


def show(step: str, result) -> None:
    """Print each part of the report as it is measured."""
    from digitpad.train.robustness import Curve

    if isinstance(result, Curve):
        print(f"\n{result.title} ({result.unit}):")
        print("  " + " ".join(f"{value:>7g}" for value in result.values))
        for series, accuracy in result.accuracy.items():
            print("  " + " ".join(f"{value * 100:6.2f}%" for value in accuracy) + f"   {series}")
    elif step == "mnist":
        print(f"MNIST test accuracy: {result * 100:.2f}%")
    elif step == "templates":
        print(f"\nPen templates of every digit and unusual styles: {result * 100:.2f}%")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())

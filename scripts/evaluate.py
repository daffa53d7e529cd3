#!/usr/bin/env python3
"""Robustness report for a checkpoint: MNIST test accuracy; accuracy curves
under rotation, scaling, shift, stroke thickness and noise (for the bare
network and through digitpad's preprocessing); accuracy on MNIST test digits
redrawn as pen strokes through the canvas renderer at several pen widths and
sizes; and on pen templates of every digit including unusual writing styles.
Prints the figures and writes robustness.json and robustness.png.

With --strokes, instead a per-writer report of a stroke collection (JSON
lines, one digit a line; the format is described in
digitpad/data/handwriting/collections.py and the README): every digit is
replayed through the canvas path at each pen width and size, and pooled,
per-writer (worst 10 and the median), per-style and per-condition accuracy
is printed. --teach K simulates instant personalisation: each writer teaches
K digits of each class, and the rest of their digits are read before and after.
A bad file or option exits with code 2.

    python scripts/evaluate.py CHECKPOINT [--data-dir DIR] [--output-dir DIR]
                               [--sample 2000] [--drawn-sample 500] [--seed 0]
    python scripts/evaluate.py CHECKPOINT --strokes FILE.jsonl [--pen-widths 22]
                               [--sizes 250,60] [--teach K] [--personaliser instant]
                               [--seed 0] [--json OUT]
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
    add_writer_options(parser)
    args = parser.parse_args()
    if args.strokes is not None:
        return writer_report(args)

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


def add_writer_options(parser: argparse.ArgumentParser) -> None:
    from digitpad.train.personalise import DEFAULT_PERSONALISER, PERSONALISERS

    group = parser.add_argument_group("per-writer report of a stroke collection")
    group.add_argument("--strokes", type=Path, metavar="FILE.jsonl",
                       help="digits written by people, one JSON object a line (see the README)")
    group.add_argument("--pen-widths", default="22", metavar="LIST",
                       help="pen widths in canvas pixels, comma-separated; 'recorded' uses each "
                            "digit's own pen_width (default: 22, the app's default pen)")
    group.add_argument("--sizes", default="250,60", metavar="LIST",
                       help="digit heights in canvas pixels, comma-separated (default: 250,60: "
                            "a digit filling much of the canvas, and a small one)")
    group.add_argument("--teach", type=int, metavar="K",
                       help="simulate personalisation: teach K digits of each class per writer")
    group.add_argument("--personaliser", choices=(*PERSONALISERS, "adapt"), default=DEFAULT_PERSONALISER,
                       help=f"what --teach teaches (default: {DEFAULT_PERSONALISER}; adapt is today's "
                            "fine-tune, needs MNIST, ~11 s per writer and condition)")
    group.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")


def _number_list(text: str, option: str, low: float, high: float, recorded: bool = False) -> list:
    values = []
    for item in text.split(","):
        item = item.strip()
        if recorded and item == "recorded":
            values.append(None)
            continue
        try:
            value = float(item)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            raise ValueError(f"{option}: {item!r} is not a number from {low:g} to {high:g}")
        values.append(value)
    if not values:
        raise ValueError(f"{option}: give at least one value")
    return values


def writer_report(args: argparse.Namespace) -> int:
    """The per-writer report of ``args.strokes``; 2 for a bad file or option, 1 for a bad checkpoint."""
    from digitpad.data.handwriting.collections import CollectionError, read_collection
    from digitpad.model.checkpoint import CheckpointError, load_checkpoint
    from digitpad.train.writers import evaluate_writers, replay_conditions

    try:
        pens = _number_list(args.pen_widths, "--pen-widths", 1, 80, recorded=True)
        sizes = _number_list(args.sizes, "--sizes", 20, 2000)
        if args.teach is not None and not 1 <= args.teach <= 100:
            raise ValueError("--teach: K must be from 1 to 100")
        digits = read_collection(args.strokes)
    except (ValueError, CollectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        model, _ = load_checkpoint(args.checkpoint)
    except CheckpointError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    report, drawn = evaluate_writers(model, digits, replay_conditions(pens, sizes))
    print_writer_report(args.strokes, report)
    figures = {"collection": str(args.strokes), "writers": report.to_dict()}
    if args.teach is not None:
        make = personaliser_factory(args, model)
        if make is None:
            return 2
        from digitpad.train.personalise import simulate_teaching

        teaching = simulate_teaching(model, digits, drawn, args.teach, make, seed=args.seed)
        print_teaching(teaching)
        figures["teaching"] = teaching.to_dict()
    print(f"({time.perf_counter() - started:.1f} s)")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1))
        print(f"Wrote {args.json}")
    return 0


def personaliser_factory(args: argparse.Namespace, model):
    """A function making a fresh personaliser of the kind asked for (None: MNIST is missing)."""
    from digitpad.train.personalise import PERSONALISERS, AdaptPersonaliser

    if args.personaliser in PERSONALISERS:
        return lambda: PERSONALISERS[args.personaliser](model)
    import numpy as np

    from digitpad.data.mnist import MnistError, as_float_images, load_mnist

    try:
        images, labels = load_mnist("train", args.data_dir, download=not args.no_download)
    except MnistError as error:
        print(f"error: --personaliser adapt needs the MNIST training set: {error}", file=sys.stderr)
        return None
    mnist_train = (as_float_images(images), labels.astype(np.int64))
    return lambda: AdaptPersonaliser(model, mnist_train, seed=args.seed)


def _percent(value: float) -> str:
    return f"{value * 100:6.2f}%"


def print_writer_report(path: Path, report) -> None:
    writers = len(report.by_writer)
    print(f"Stroke collection {path}: {report.digits} digits by {writers} writers, "
          f"replayed in {len(report.conditions)} condition(s) through the canvas path")
    print(f"\nPooled accuracy: {_percent(report.pooled)} of {report.digits * len(report.conditions)} readings"
          f" ({report.unread} not read, {report.several} read as several digits)")
    print("\nBy condition:")
    for name, value in report.by_condition.items():
        print(f"  {_percent(value)}  {name}")
    worst = report.worst_writers(10)
    print(f"\nWorst writers ({len(worst)} of {writers}):")
    for name, value in worst:
        print(f"  {_percent(value)}  {name} ({report.writer_digits[name]} digits)")
    name, value = report.median_writer()
    print(f"Median writer: {_percent(value)}  {name} ({report.writer_digits[name]} digits)")
    if report.by_style:
        print("\nBy style:")
        for name, value in sorted(report.by_style.items(), key=lambda item: (item[1], item[0])):
            print(f"  {_percent(value)}  {name}")
    sys.stdout.flush()


def print_teaching(teaching) -> None:
    stand_in = " (a stand-in for instant personalisation)" if teaching.personaliser == "nearest-mean" else ""
    print(f"\nTeaching {teaching.k} of each digit per writer, personaliser: {teaching.personaliser}{stand_in}")
    print(f"  {teaching.taught} digits taught, {teaching.measured} measured (never a taught one)")
    print(f"  {'':<20}{'before':>8} {'after':>8}")
    print(f"  {'pooled':<20}{_percent(teaching.before)} {_percent(teaching.after)}")
    for name, (before, after) in sorted(teaching.by_writer.items(), key=lambda item: (item[1][0], item[0])):
        print(f"  {name:<20}{_percent(before)} {_percent(after)}")


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

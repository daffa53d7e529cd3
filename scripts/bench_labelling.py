#!/usr/bin/env python3
"""Labelling a drawing with 10,000 personal samples already saved: the time
from pressing the digit key to the sample being on disk and the window
updated, on the real main window offscreen (Teach it my handwriting). Also
times labelling through the store alone, reading the 10,000 samples at
start-up, and — as the ratio this design is judged by — rewriting the whole
set, which is what every label cost before the append-only journal.

    python scripts/bench_labelling.py [--samples 10000] [--labels 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def milliseconds(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000, help="samples already saved")
    parser.add_argument("--labels", type=int, default=40, help="labels to time")
    args = parser.parse_args()

    import numpy as np
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
    from digitpad.data.ink.digit_templates import digit_strokes
    from digitpad.data.handwriting.export_file import write_samples
    from digitpad.data.handwriting.samples import PersonalSample
    from digitpad.data.handwriting.store import PersonalSamples
    from digitpad.data.ink.strokes import render_strokes
    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.gui.settings import AppSettings
    from digitpad.session import Session

    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="digitpad-labelling-"))
    store_path = work / "data" / "samples.journal"

    # Realistic samples: template digits as drawn strokes (a few hundred points each).
    print(f"Saving {args.samples:,} samples…", flush=True)
    store = PersonalSamples(store_path)
    store.load()
    samples = []
    for index in range(args.samples):
        digit = index % 10
        strokes = digit_strokes(digit, 40 + rng.uniform(-10, 10), 40, 300, 22.0)
        image = render_strokes(strokes, 400, 400)[::14, ::14][:28, :28]
        samples.append(PersonalSample(digit, (image * 255).astype(np.uint8), strokes))
    store._by_id = {sample.sample_id: sample for sample in samples}
    store._rewrite()
    points = sum(len(stroke.points) for sample in samples for stroke in sample.strokes) / len(samples)
    print(f"  journal {store_path.stat().st_size / 1e6:.1f} MB, {points:.0f} pen points per sample")

    started = time.perf_counter()
    reread = PersonalSamples(store_path)
    assert reread.load() is None and len(reread) == args.samples
    print(f"Reading {args.samples:,} samples at start-up: {time.perf_counter() - started:.2f} s")

    store_times = []
    for index in range(args.labels):
        strokes = digit_strokes(index % 10, 50, 40, 300, 22.0)
        started = time.perf_counter()
        reread.add(index % 10, rng.random((28, 28)), strokes)
        store_times.append(time.perf_counter() - started)
    print(f"Labelling through the store: {milliseconds(store_times)}")

    app = QApplication(sys.argv[:1])
    model, metadata = load_checkpoint(bundled_checkpoint_path())
    paths = AppPaths(work / "data", work / "cache")
    window = MainWindow(AppSettings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat)), paths,
                        Session.start(model, bundled_checkpoint_path(), metadata, paths.data_dir))
    window.resize(1000, 640)
    window.show()
    app.processEvents()
    assert len(window.session().samples) >= args.samples

    def label_in_window() -> list[float]:
        times = []
        for index in range(args.labels):
            digit = index % 10
            height = window.canvas.height() * 0.6
            window.canvas.setStrokes(digit_strokes(digit, window.canvas.width() / 2 - height * 0.375,
                                                   window.canvas.height() * 0.2, height, 22.0))
            window.liveRecognition.recogniseNow()
            app.processEvents()
            started = time.perf_counter()
            assert window.labelDrawing(digit)
            app.processEvents()
            times.append(time.perf_counter() - started)
        return times

    window_times = label_in_window()
    print(f"Labelling in the window (key press to saved and shown): {milliseconds(window_times)}")
    window.handwritingController.show()
    app.processEvents()
    print(f"  … with My handwriting open beside it: {milliseconds(label_in_window())}")

    started = time.perf_counter()
    write_samples(work / "whole-set.npz", reread.samples)
    rewrite = time.perf_counter() - started
    print(f"Rewriting the whole set once (the cost of every label before the journal): "
          f"{rewrite * 1000:.0f} ms = {rewrite / statistics.median(window_times):.0f}x a label now")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

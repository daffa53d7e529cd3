#!/usr/bin/env python3
"""Stroke-to-bars latency of the live prediction: the time from the canvas
holding new ink to the probability bars and the 28x28 preview having their
new values and a repaint requested (segmentation into digits, preprocessing,
forward pass, widget updates), measured on the real main window offscreen
while digits are written point by point. Prints the median, 95th percentile
and a breakdown.

    python scripts/bench_latency.py [--checkpoint PATH] [--scale 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--scale", default="1", help="device pixel ratio to emulate (QT_SCALE_FACTOR)")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale

    import tempfile

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
    from digitpad.data.ink.digit_templates import digit_strokes
    from digitpad.data.ink.network_input import prepare_for_network
    from digitpad.data.ink.segmentation import segment_digits
    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.gui.settings import AppSettings
    from digitpad.session import Session

    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="digitpad-latency-"))
    checkpoint = args.checkpoint or bundled_checkpoint_path()
    model, metadata = load_checkpoint(checkpoint)
    paths = AppPaths(work / "data", work / "cache")
    window = MainWindow(AppSettings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat)), paths,
                        Session.start(model, checkpoint, metadata, paths.data_dir))
    window.resize(1000, 640)
    window.show()
    app.processEvents()
    canvas = window.canvas

    total, segmentation, preprocess, forward = [], [], [], []
    for digit in range(10):
        canvas.clear()
        height = canvas.height() * 0.65
        strokes = digit_strokes(digit, canvas.width() / 2 - height * 0.375, canvas.height() * 0.17,
                                height, canvas.penWidth())
        drawn = []
        for stroke in strokes:
            for count in range(2, len(stroke.points) + 1, 2):
                partial = stroke.__class__(stroke.width, stroke.points[:count])
                canvas.setStrokes(drawn + [partial])
                app.processEvents()
                started = time.perf_counter()
                window.liveRecognition.recogniseNow()          # what the live timer runs
                total.append(time.perf_counter() - started)
                ink = canvas.image()
                started = time.perf_counter()
                segment_digits(ink)
                segmentation.append(time.perf_counter() - started)
                started = time.perf_counter()
                image = prepare_for_network(ink)
                preprocess.append(time.perf_counter() - started)
                started = time.perf_counter()
                model.predict_proba(image)
                forward.append(time.perf_counter() - started)
            drawn.append(stroke)
        app.processEvents()

    def describe(values):
        values = sorted(values)
        return (f"median {statistics.median(values) * 1e3:.2f} ms, "
                f"p95 {values[int(len(values) * 0.95)] * 1e3:.2f} ms")

    height, width = canvas.image().shape
    print(f"Canvas {width}x{height} device pixels, model {model}, {len(total)} updates")
    print(f"  stroke-to-bars (everything recogniseNow does):         {describe(total)}")
    print(f"    splitting the ink into digits (segment_digits):      {describe(segmentation)}")
    print(f"    MNIST-style preprocessing (prepare_for_network):     {describe(preprocess)}")
    print(f"    forward pass:                                        {describe(forward)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Stroke-to-screen latency and update rate of live recognition, on the real
main window offscreen (1280x720) with every view open: the probability bars
and the 28x28 preview, the network view, "Why this answer" and the detail
of a selected unit.

Two measurements:

* Latency: digits are written point by point; for each new point, the time
  from the canvas holding the new ink to every visible view updated *and
  repainted* (the reading — segmentation, preprocessing, forward pass — the
  trace, the attribution, the views' updates, then events processed until
  each view has painted). Median, 95th percentile and a breakdown.
* While drawing: digits are written with real mouse events in real time, a
  pen event every 1/120 s along the strokes at a handwriting speed, with
  live recognition on its own timer. Reported: updates per second while the
  pen is down (overall and for the slowest digit), the longest wait between
  two updates, and how late pen events were handled (the pen's
  responsiveness).

With --personal-samples N, N MNIST training digits are first saved as the
user's own samples (read from --data-dir or the usual search, never
downloaded), so every reading goes through the personal memory over them;
the time from one more label to a memory that reads it is reported too.

    python scripts/bench_latency.py [--checkpoint PATH] [--scale 1] [--no-views] [--digits 10]
                                    [--personal-samples 5000 [--data-dir DIR]]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PEN_RATE = 120.0                # pen events per second (a typical mouse or tablet)
PEN_SPEED = 600.0               # logical pixels per second along a stroke
TIMEOUT = 2.0                   # seconds to wait for a repaint before giving up


def describe(values, unit=1e3, suffix="ms"):
    values = sorted(values)
    return (f"median {statistics.median(values) * unit:.2f} {suffix}, "
            f"p95 {values[min(int(len(values) * 0.95), len(values) - 1)] * unit:.2f} {suffix}")


class PaintWatch:
    """Counts paint events of the watched widgets."""

    def __init__(self, widgets):
        from PySide6.QtCore import QEvent, QObject

        self.widgets = list(widgets)
        self.counts = {id(widget): 0 for widget in self.widgets}
        watch = self

        class Filter(QObject):
            def eventFilter(self, watched, event):
                if event.type() == QEvent.Type.Paint and id(watched) in watch.counts:
                    watch.counts[id(watched)] += 1
                return False

        self.filter = Filter()
        for widget in self.widgets:
            widget.installEventFilter(self.filter)

    def snapshot(self):
        return dict(self.counts)

    def all_painted_since(self, snapshot):
        return all(self.counts[key] > snapshot[key] for key in snapshot)


def build_window(args):
    import tempfile

    from PySide6.QtCore import QSettings

    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.settings import AppSettings
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
    from digitpad.session import Session

    work = Path(tempfile.mkdtemp(prefix="digitpad-latency-"))
    checkpoint = args.checkpoint or bundled_checkpoint_path()
    model, metadata = load_checkpoint(checkpoint)
    paths = AppPaths(work / "data", work / "cache")
    window = MainWindow(AppSettings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat)), paths,
                        Session.start(model, checkpoint, metadata, paths.data_dir))
    window.resize(1280, 720)
    window.show()
    return window, model


def open_views(app, window):
    """Show every view inside the network and a unit's detail; returns the widgets that must repaint."""
    window.mainActions.networkView.trigger()
    window.mainActions.whyAnswer.trigger()
    app.processEvents()
    window.insideViews.openUnit(0, 317)
    window.activateWindow()
    app.processEvents()
    detail = window.insideViews.dialog()
    return [window.insideViews.networkView, window.insideViews.attributionView, detail.weightsTimesDrawing]


def measure_latency(app, window, model, watch, digits):
    from digitpad.data.ink.digit_templates import digit_strokes
    from digitpad.data.ink.network_input import prepare_for_network
    from digitpad.data.ink.segmentation import segment_digits
    from digitpad.gui.network.readings import explain_answer
    from digitpad.inside import trace

    canvas = window.canvas
    times = {name: [] for name in ("total", "reading", "repaint", "segmentation", "preprocess", "forward",
                                   "personal", "trace", "attribution")}
    for digit in range(digits):
        canvas.clear()
        height = canvas.height() * 0.65
        strokes = digit_strokes(digit, canvas.width() / 2 - height * 0.375, canvas.height() * 0.17,
                                height, canvas.penWidth())
        drawn = []
        for stroke in strokes:
            for count in range(2, len(stroke.points) + 1, 2):
                canvas.setStrokes(drawn + [stroke.__class__(stroke.width, stroke.points[:count])])
                app.processEvents()
                before = watch.snapshot()
                started = time.perf_counter()
                window.liveRecognition.recogniseNow()          # what the live timer runs
                read = time.perf_counter()
                deadline = read + TIMEOUT
                while not watch.all_painted_since(before) and time.perf_counter() < deadline:
                    app.processEvents()
                finished = time.perf_counter()
                times["total"].append(finished - started)
                times["reading"].append(read - started)
                times["repaint"].append(finished - read)
                ink = canvas.image()
                for name, work in (("segmentation", lambda: segment_digits(ink)),
                                   ("preprocess", lambda: prepare_for_network(ink))):
                    started = time.perf_counter()
                    work()
                    times[name].append(time.perf_counter() - started)
                image = prepare_for_network(ink)
                probabilities = None
                reader = window.session().reader
                for name, work in (("forward", lambda: model.predict_proba(image)),
                                   ("personal", lambda: reader.predict_proba(image)),
                                   ("trace", lambda: trace(model, image)),
                                   ("attribution", lambda: explain_answer(model, image, probabilities))):
                    started = time.perf_counter()
                    result = work()
                    times[name].append(time.perf_counter() - started)
                    if name == "forward":
                        probabilities = result[0]
            drawn.append(stroke)
    return times


def resampled(points, speed, rate):
    """Points along a polyline, one per pen event, at ``speed`` pixels per second."""
    xy = np.asarray(points, np.float64)[:, :2]
    lengths = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
    count = max(int(lengths[-1] / speed * rate), 2)
    along = np.linspace(0.0, lengths[-1], count)
    return np.stack([np.interp(along, lengths, xy[:, 0]), np.interp(along, lengths, xy[:, 1])], axis=1)


def measure_drawing(app, window, watch, digits):
    """Write the ten digits with real mouse events in real time."""
    from PySide6.QtCore import QEvent, Qt

    from digitpad.data.ink.digit_templates import digit_strokes
    from digitpad.gui.common.synthetic_input import send_mouse

    canvas = window.canvas
    readings, lags, rates, gaps, painted = [], [], [], [], []
    window.liveRecognition.recognised.connect(lambda *_: readings.append(time.perf_counter()))
    for digit in range(digits):
        canvas.clear()
        app.processEvents()
        height = canvas.height() * 0.65
        strokes = digit_strokes(digit, canvas.width() / 2 - height * 0.375, canvas.height() * 0.17,
                                height, canvas.penWidth())
        for stroke in strokes:
            points = resampled(stroke.points, PEN_SPEED, PEN_RATE)
            del readings[:]
            before = watch.snapshot()
            send_mouse(canvas, QEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
            began = time.perf_counter()
            for index, point in enumerate(points[1:], start=1):
                due = began + index / PEN_RATE
                while time.perf_counter() < due:
                    app.processEvents()
                    time.sleep(0.0005)          # a pen is not a busy loop: leave the CPU to the app
                lags.append(time.perf_counter() - due)
                send_mouse(canvas, QEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
            ended = time.perf_counter()
            during = [moment for moment in readings if moment <= ended]
            rates.append((len(during), ended - began))
            # Frames each watched view painted while the pen was down: the slowest view's count.
            painted.append(min(watch.counts[key] - before[key] for key in before))
            gaps.extend(np.diff([began] + during + [ended]))
            send_mouse(canvas, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)
            app.processEvents()
    return rates, gaps, lags, painted


def add_personal_samples(app, window, count, data_dir):
    """Save ``count`` MNIST training digits as the user's samples, wait for the
    memory to learn them; returns the seconds from one more label to a memory
    that reads it."""
    from digitpad.data.mnist import load_mnist

    images, labels = load_mnist("train", data_dir, download=False)
    chosen = np.random.default_rng(0).choice(len(labels), count + 1, replace=False)
    session = window.session()
    for index in chosen[:-1]:
        session.samples.add(int(labels[index]), images[index])      # one event for all, below
    session.samples_changed.emit()

    def wait_for_memory():
        deadline = time.perf_counter() + 600
        while time.perf_counter() < deadline and not (
                session.personal is not None and session.personal.matches(session.samples.samples)
                and session.personal.has_anchors and not window.personalisation.isRunning()):
            app.processEvents()
            time.sleep(0.001)

    wait_for_memory()
    started = time.perf_counter()
    session.add_sample(int(labels[chosen[-1]]), images[chosen[-1]])
    wait_for_memory()
    return time.perf_counter() - started


def report(window, model, names, times, drawing):
    canvas = window.canvas
    height, width = canvas.image().shape
    print(f"Window 1280x720, canvas {width}x{height} device pixels, model {model}")
    print(f"Views open: {', '.join(names)}")
    print(f"Stroke to every view updated and painted ({len(times['total'])} updates): {describe(times['total'])}")
    print(f"  reading and view updates (recogniseNow):            {describe(times['reading'])}")
    print(f"  repaint, until every view has painted:              {describe(times['repaint'])}")
    print(f"    splitting the ink into digits (segment_digits):   {describe(times['segmentation'])}")
    print(f"    MNIST-style preprocessing (prepare_for_network):  {describe(times['preprocess'])}")
    print(f"    forward pass:                                     {describe(times['forward'])}")
    if window.session().reader is not model:
        print(f"    forward pass and personal memory ({len(window.session().personal):,} samples): "
              f"{describe(times['personal'])}")
    if len(names) > 2:
        print(f"    trace through every layer:                        {describe(times['trace'])}")
        print(f"    why this answer (attribution of two digits):      {describe(times['attribution'])}")
    rates, gaps, lags, painted = drawing
    per_stroke = [count / seconds for count, seconds in rates if seconds > 0.15]
    seconds = sum(seconds for _, seconds in rates)
    total = sum(count for count, _ in rates) / seconds
    print(f"While drawing in real time (pen events at {PEN_RATE:.0f}/s, {len(rates)} strokes, {seconds:.1f} s):")
    print(f"  updates per second: {total:.1f} overall, {min(per_stroke):.1f} in the slowest stroke; "
          f"frames painted by the slowest view: {sum(painted) / seconds:.1f} per second")
    print(f"  wait between two updates: {describe(gaps)}, longest {max(gaps) * 1e3:.1f} ms")
    print(f"  pen events handled late by: {describe(lags)}, longest {max(lags) * 1e3:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--scale", default="1", help="device pixel ratio to emulate (QT_SCALE_FACTOR)")
    parser.add_argument("--no-views", action="store_true", help="only the bars and the preview, as before the views")
    parser.add_argument("--digits", type=int, default=10, choices=range(1, 11), metavar="1..10",
                        help="how many digits to write (0 to 9, in order)")
    parser.add_argument("--personal-samples", type=int, default=0, metavar="N",
                        help="read through a personal memory of N saved samples (MNIST training digits)")
    parser.add_argument("--data-dir", type=Path, help="MNIST folder for --personal-samples")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    window, model = build_window(args)
    app.processEvents()
    panel = window.resultPanel
    watched = [panel.probabilityBars, panel.inputPreview]
    names = ["probability bars", "28x28 preview"]
    if not args.no_views:
        watched += open_views(app, window)
        names += ["network view", "why this answer", "unit detail"]
    watch = PaintWatch(watched)
    label_seconds = None
    if args.personal_samples:
        label_seconds = add_personal_samples(app, window, args.personal_samples, args.data_dir)
    times = measure_latency(app, window, model, watch, args.digits)
    drawing = measure_drawing(app, window, watch, args.digits)
    report(window, model, names, times, drawing)
    if label_seconds is not None:
        print(f"One more label to a memory that reads it, with {args.personal_samples:,} samples: "
              f"{label_seconds * 1e3:.0f} ms")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

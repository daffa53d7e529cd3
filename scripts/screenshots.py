#!/usr/bin/env python3
"""Render digitpad's screens to PNG files, offscreen: the main window with a
drawn digit and with a written number, the training lab (Model → Retrain)
in the middle of a small run steered into divergence and during a healthy
one (its first layer, gradients and distorted digits), the
misclassified-digits browser, My handwriting, the
adaptation dialog after a run, the robustness report, and the views inside
the network — the network view with a unit's detail, "why this answer", the
lab after a few edits and the step-through of a drawn digit, the point map
(t-SNE, with the drawing live) and MNIST at a glance. Used to check the look
and for the README.

    python scripts/screenshots.py [--output-dir assets/screenshots] [--data-dir DIR]
                                  [--checkpoint PATH] [--scale 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

# Pen trajectories for a handwritten-looking "4", in a 0..1 box (x right, y down).
FOUR = [[(0.62, 0.0), (0.05, 0.66), (0.95, 0.64)], [(0.66, 0.1), (0.63, 1.0)]]


def draw_on_canvas(canvas, strokes, box_height=0.62):
    """Place normalised strokes in the middle of the canvas as real strokes."""
    from digitpad.data.ink.strokes import Stroke

    side = canvas.height() * box_height
    left = (canvas.width() - side * 0.75) / 2
    top = (canvas.height() - side) / 2
    placed = []
    for polyline in strokes:
        points = np.array(polyline, np.float32)
        fine = []
        for start, end in zip(points[:-1], points[1:]):
            for t in np.linspace(0, 1, 24, endpoint=False):
                fine.append(start + (end - start) * t)
        fine.append(points[-1])
        fine = np.array(fine)
        xy = np.stack([left + fine[:, 0] * side * 0.75, top + fine[:, 1] * side, np.ones(len(fine))], 1)
        placed.append(Stroke(canvas.penWidth(), xy.astype(np.float32)))
    canvas.setStrokes(placed)


def wait_until(app, condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def network_views(app, window, session, model, test_images, output_dir):
    """The network view with a drawn 4 and its busiest first-layer unit
    selected, that unit's detail, and "Why this answer"; at 1280x720."""
    from digitpad.data.mnist import as_float_images
    from digitpad.inside import trace, unit_activity

    # Measured here rather than in the background, so the dead units show at once.
    session.set_unit_activity(model, unit_activity(model, as_float_images(test_images)))
    window.canvas.clear()
    window.resize(1280, 720)
    window.mainActions.networkView.trigger()
    window.mainActions.whyAnswer.trigger()
    app.processEvents()
    draw_on_canvas(window.canvas, FOUR)
    app.processEvents()
    inside = window.insideViews
    busiest = int(trace(model, window.recognition().mnist_image).layers[0].a.argmax())
    inside.openUnit(0, busiest)
    detail = inside.dialog()
    detail.move(window.x() + 40, window.y() + 60)
    app.processEvents()
    window.grab().save(str(output_dir / "network-window.png"))
    inside.networkDock.grab().save(str(output_dir / "network-view.png"))
    detail.grab().save(str(output_dir / "unit-detail.png"))
    inside.whyDock.grab().save(str(output_dir / "why-this-answer.png"))
    print("network view: unit", busiest, "of hidden layer 1; answer", window.recognition().digit)
    detail.close()
    window.mainActions.networkView.trigger()
    window.mainActions.whyAnswer.trigger()
    window.resize(1000, 640)
    app.processEvents()


def open_scratch_lab(app, window, settings, paths, data_dir):
    """The training lab at 1280x720 with "Learn it from scratch" started
    paused before its first batch, at full speed."""
    from digitpad.gui.training.retrain_dialog import RetrainDialog
    from digitpad.train import config_from_preset, load_training_data

    data = load_training_data(config_from_preset("scratch"), data_dir)
    dialog = RetrainDialog(settings, paths, window, data=data)
    dialog.resize(1280, 720)
    dialog.show()
    dialog.runControls.setDelaySeconds(0.0)
    dialog.learnFromScratch()
    controls = dialog.runControls
    wait_until(app, lambda: controls.mode() == "paused" and controls.stateText() != "Paused")
    return dialog


def step_and_wait(app, controls, button, words):
    """Press one of the lab's step buttons and wait until it pauses with ``words`` in its state."""
    button.click()
    wait_until(app, lambda: controls.mode() == "paused" and words in controls.stateText())


def render_retrain(app, window, settings, paths, data_dir, output_dir):
    """Model → Retrain, the training lab, during a run of "Learn it from
    scratch" (784-16-16-10): started paused, stepped one batch, then one
    epoch, the learning rate turned up to 0.2 there and two more epochs
    trained — the run's diagnosis finds divergence and dead units — then
    three single batches, and the divergence's suggestion applied; at
    1280x720."""
    dialog = open_scratch_lab(app, window, settings, paths, data_dir)
    controls = dialog.runControls
    step_and_wait(app, controls, controls.stepBatchButton, "batch 1/")
    step_and_wait(app, controls, controls.stepEpochButton, "after epoch 1/")
    dialog.liveSettings.editor("learning_rate").setValue(0.2)
    for epoch in (2, 3):
        step_and_wait(app, controls, controls.stepEpochButton, f"after epoch {epoch}/")
    for batch in range(1, 4):
        step_and_wait(app, controls, controls.stepBatchButton, f"after batch {batch}/")
    if "divergence" in dialog.findingsPanel.names():
        dialog.findingsPanel.applyButton("divergence").click()     # back to a sane rate, from the next batch
    dialog.charts.setCurrentWidget(dialog.charts.lossChart)
    dialog.sideTabs.setCurrentWidget(dialog.findingsPanel if dialog.findingsPanel.names() else dialog.runLog)
    dialog.grab()                   # the charts settle their layout on the first paint
    app.processEvents()
    dialog.grab().save(str(output_dir / "retrain-dialog.png"))
    print("retrain:", controls.stateText(), "; findings:", dialog.findingsPanel.names() or "none")
    dialog.stopAndWait()
    dialog.hide()
    app.processEvents()


def render_watch_it_learn(app, window, settings, paths, data_dir, output_dir):
    """The training lab during a healthy run of "Learn it from scratch"
    (784-16-16-10), three epochs in, the distortion of training digits
    turned on there and one more batch trained: the first layer's 16 units
    that formed from noise, the gradient size per layer, and the training
    digits beside their distorted versions; at 1280x720."""
    dialog = open_scratch_lab(app, window, settings, paths, data_dir)
    controls = dialog.runControls
    for epoch in (1, 2, 3):
        step_and_wait(app, controls, controls.stepEpochButton, f"after epoch {epoch}/")
    dialog.liveSettings.editor("augment").setChecked(True)     # distortion on, from the next batch
    step_and_wait(app, controls, controls.stepBatchButton, "after batch 1/")
    dialog.sideTabs.setCurrentWidget(dialog.runLog)
    for name, chart in (("lab-first-layer", dialog.charts.firstLayer),
                        ("lab-gradients", dialog.charts.gradientChart),
                        ("lab-training-digits", dialog.charts.trainingDigits)):
        dialog.charts.setCurrentWidget(chart)
        dialog.grab()               # the charts settle their layout on the first paint
        app.processEvents()
        dialog.grab().save(str(output_dir / f"{name}.png"))
    print("watch it learn:", controls.stateText())
    dialog.stopAndWait()
    dialog.hide()
    app.processEvents()


def render_lab(app, window, images, labels, output_dir):
    """Model → Lab after a few edits to the model in use — the 4's output unit
    pushed down, two hidden units switched off, 60% of each layer's weights
    pruned, a warmer softmax — reading the 4 on the canvas, with its test
    figures and both damage curves filled in."""
    from digitpad.data.mnist import as_float_images
    from digitpad.gui.lab.lab_events import TestDigits
    from digitpad.gui.lab.lab_texts import summarise
    from digitpad.inside import ModelEdits
    from digitpad.inside.edits import UnitChange

    window.canvas.clear()
    draw_on_canvas(window.canvas, FOUR)
    app.processEvents()
    window.labController.open(TestDigits(as_float_images(images), labels.astype(np.int64)))
    lab = window.labController.dialog()
    lab.resize(1180, 680)       # what the lab asks for; it fits a 1280x720 screen
    lab.setEdits(ModelEdits(units_off=(UnitChange(0, 17), UnitChange(0, 301)),
                            bias_shifts=(UnitChange(2, 4, -4.0),), prune_fraction=0.6, temperature=1.5))
    lab.unitEditor.selectUnit(2, 4)
    wait_until(app, lambda: not lab.isBusy(), timeout=300)
    lab.grab()                  # the charts settle their layout on the first paint
    app.processEvents()
    lab.grab().save(str(output_dir / "lab.png"))
    print("lab:", "; ".join(summarise(lab.edits())), f"(figures {lab.lastResponseSeconds:.1f} s after the edits)")
    lab.close()
    app.processEvents()


def step_through_screenshot(app, window, output_dir):
    """Model → Step through a digit, following a drawn 4: hidden layer 1 with
    its weights and the chosen unit pictured, then the softmax step by step;
    sized to fit a 1280 x 720 screen."""
    window.canvas.clear()
    draw_on_canvas(window.canvas, FOUR)
    app.processEvents()
    window.mainActions.stepThrough.trigger()
    dialog = window.stepThroughController.dialog()
    dialog.resize(1180, 660)
    for step, name in [(1, "step-through.png"), (dialog.stack.count() - 1, "step-through-softmax.png")]:
        dialog.setStep(step)
        app.processEvents()
        dialog.grab().save(str(output_dir / name))
    print("step through:", dialog.currentTrace() and dialog.currentTrace().digit)
    dialog.close()


def point_map_screenshot(app, window, output_dir):
    """View → Point map at 1280x720: the t-SNE map of 3,000 test digits at
    hidden layer 2 (the app's default sample), a drawn 4 on the canvas as the
    live star, and the card of a misread test digit near it as if pointed at.
    Needs the session's test predictions."""
    from digitpad.inside.point_map import TSNE

    window.canvas.clear()
    window.resize(1280, 720)
    app.processEvents()
    draw_on_canvas(window.canvas, FOUR)
    app.processEvents()
    window.pointMapController.open(window.session().test_predictions, depth=2)
    dialog = window.pointMapController.dialog()
    dialog.resize(1240, 680)
    dialog.controls.choose(method=TSNE)
    wait_until(app, lambda: not dialog.isBusy() and dialog.pointMap() is not None
               and dialog.pointMap().method == TSNE, timeout=600)
    app.processEvents()
    star = np.array(dialog.mapPlot.drawingPosition())
    positions = dialog.mapPlot.positions()
    wrong = np.flatnonzero(dialog.mapPlot.mistakes())
    row = int(wrong[np.argmin(((positions[wrong] - star) ** 2).sum(axis=1))]) if len(wrong) else 0
    plot = dialog.mapPlot.plot
    plot.grab()                 # the plot settles its layout on the first paint
    app.processEvents()
    dialog.mapPlot.hoverAt(dialog.mapPlot.sceneAt(*positions[row]))
    app.processEvents()
    dialog.grab().save(str(output_dir / "point-map.png"))
    print(f"point map: t-SNE of {len(positions):,} digits in {dialog.pointMap().seconds:.1f} s; "
          f"card: test digit #{dialog.card.testIndex()}")
    dialog.close()
    window.resize(1000, 640)
    app.processEvents()


def data_view_screenshot(app, window, splits, output_dir):
    """View → MNIST at a glance, filled in from ``splits`` (name → (images,
    labels)) with fixed samples, at the size it asks for on a 1280x720 screen."""
    from digitpad.gui.dataview.data_view_dialog import DataViewDialog
    from digitpad.gui.dataview.data_worker import glance

    dialog = DataViewDialog(None, window, data=glance(splits), seed=4)
    dialog.resize(1180, 680)
    dialog.show()
    app.processEvents()
    dialog.grab()
    app.processEvents()
    dialog.grab().save(str(output_dir / "data-view.png"))
    print("data view:", dialog.statusLabel.text())
    dialog.close()
    app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=Path("assets/screenshots"))
    parser.add_argument("--data-dir", type=Path, help="MNIST folder (else the usual search)")
    parser.add_argument("--checkpoint", type=Path, help="model to show (default: the bundled one)")
    parser.add_argument("--scale", default="1", help="device pixel ratio (QT_SCALE_FACTOR), e.g. 2")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
    from digitpad.data.mnist import as_float_images, load_mnist
    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.gui.settings import AppSettings
    from digitpad.session import Session, predict_test_set

    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="digitpad-screens-"))
    settings = AppSettings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    paths = AppPaths(work / "data", work / "cache")
    checkpoint = args.checkpoint or bundled_checkpoint_path()
    model, metadata = load_checkpoint(checkpoint)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    session = Session.start(model, checkpoint, metadata, paths.data_dir)
    window = MainWindow(settings, paths, session)
    window.resize(1000, 640)
    window.show()
    app.processEvents()
    draw_on_canvas(window.canvas, FOUR)
    app.processEvents()
    window.grab().save(str(args.output_dir / "main-window.png"))
    print("main window:", window.recognition() and window.recognition().digit)

    render_retrain(app, window, settings, paths, args.data_dir, args.output_dir)
    render_watch_it_learn(app, window, settings, paths, args.data_dir, args.output_dir)

    images, labels = load_mnist("test", args.data_dir, download=False)
    session.set_test_predictions(model, predict_test_set(model, images, labels))
    window.misclassifiedController.show()
    browser = window.misclassifiedController.dialog()
    app.processEvents()
    browser.setFilter(None, None)
    app.processEvents()
    browser.grab().save(str(args.output_dir / "misclassified.png"))
    browser.close()

    from digitpad.data.ink.digit_templates import STYLE_VARIANTS, digit_strokes
    from digitpad.gui.common.background import MnistSource
    from digitpad.gui.evaluation.robustness_dialog import RobustnessDialog
    from digitpad.gui.common.synthetic_input import write_number

    window.canvas.clear()
    window.resize(1250, 640)
    app.processEvents()
    window.canvas.setPenWidth(16)
    write_number(window.canvas, "2026", height_fraction=0.42, gap=0.25)
    app.processEvents()
    window.grab().save(str(args.output_dir / "number.png"))
    window.resize(1000, 640)

    rng = np.random.default_rng(0)
    for index in range(24):
        style = list(STYLE_VARIANTS)[index % 4] if index % 3 else index % 10
        label = STYLE_VARIANTS[style][0] if isinstance(style, str) else style
        height = window.canvas.height() * rng.uniform(0.45, 0.7)
        window.canvas.setStrokes(digit_strokes(style, 250, 60, height, 20, rng=rng, jitter=0.02))
        window.labelDrawing(label)
    window.handwritingController.show()
    samples = window.handwritingController.dialog()
    # With what instant personalisation made of the samples: the MNIST check and each one's effect.
    wait_until(app, lambda: "network alone" in samples.personalisationPanel.mnistLabel.text()
               and samples.model.effect(samples.model.sample(0)) is not None)
    samples.grid.setCurrentIndex(samples.model.index(0))
    app.processEvents()
    samples.grab().save(str(args.output_dir / "my-handwriting.png"))
    samples.close()

    train_images, train_labels = load_mnist("train", args.data_dir, download=False)
    mnist = [(as_float_images(train_images[:4000]), train_labels[:4000].astype(np.int64)),
             (as_float_images(images), labels.astype(np.int64))]
    window.adaptController.open(mnist=mnist)
    adapt = window.adaptController.dialog()
    adapt.start()
    wait_until(app, lambda: not adapt.isRunning(), timeout=600)
    app.processEvents()
    adapt.grab().save(str(args.output_dir / "adapt.png"))
    adapt.discard()

    report = RobustnessDialog(model, checkpoint.name, MnistSource(args.data_dir, False, None), window,
                              sample=500, drawn_sample=60)
    report.show()
    wait_until(app, lambda: not report.isRunning(), timeout=900)
    app.processEvents()
    report.grab().save(str(args.output_dir / "robustness.png"))
    report.close()

    network_views(app, window, session, model, images, args.output_dir)
    render_lab(app, window, images, labels, args.output_dir)
    step_through_screenshot(app, window, args.output_dir)
    point_map_screenshot(app, window, args.output_dir)
    data_view_screenshot(app, window, {"train": (train_images, train_labels), "test": (images, labels)},
                         args.output_dir)
    print("wrote", ", ".join(sorted(path.name for path in args.output_dir.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

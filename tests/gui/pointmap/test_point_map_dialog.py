"""View → Point map, through the real menu and the bundled model: the
test digits are scored and mapped in the background; the map is our PCA of
the chosen layer, mistakes are ringed, pointing at a dot (real mouse
events) shows its digit and the model's two best guesses, a click puts it
on the canvas, the drawing on the canvas is a live point that moves as the
pen writes, t-SNE of a small sample works and can be cancelled, a new model
brings a new map, the window closes cleanly, mid-work too, and none of it
imports scikit-learn before a t-SNE map is asked for."""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt

from digitpad.gui.common.synthetic_input import send_mouse, write_digit
from digitpad.gui.pointmap.map_controls import DEFAULT_SAMPLES
from digitpad.inside.point_map import PCA, TSNE, fit_pca, place, representation, representations
from digitpad.model.checkpoint import save_checkpoint
from digitpad.nn import MLP

REPO_ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 60_000
SMALL = 2000


def map_ready(dialog, method=PCA):
    return not dialog.isBusy() and dialog.pointMap() is not None and dialog.pointMap().method == method


def open_map(window, qtbot):
    window.mainActions.pointMap.trigger()
    qtbot.waitUntil(lambda: window.pointMapController.dialog() is not None, timeout=TIMEOUT)
    shown = window.pointMapController.dialog()
    qtbot.waitUntil(lambda: map_ready(shown), timeout=TIMEOUT)
    return shown


@pytest.fixture(scope="module")
def test_predictions(mnist_dir, bundled):
    from digitpad.data.mnist import load_mnist
    from digitpad.session import predict_test_set

    images, labels = load_mnist("test", mnist_dir, download=False)
    return predict_test_set(bundled[0], images, labels)


@pytest.fixture
def dialog(window, qtbot, test_predictions, monkeypatch):
    """The point map, opened by the menu once the model has been scored
    (as after Evaluate; scoring it through the menu is the first test's),
    its PCA map of 2,000 test digits rather than all, to be quick."""
    window.session().set_test_predictions(window.model(), test_predictions)
    monkeypatch.setitem(DEFAULT_SAMPLES, PCA, SMALL)
    return open_map(window, qtbot)


def viewport_point(dialog, row):
    """Where dot ``row`` is, in the plot's viewport (what a mouse event carries)."""
    x, y = dialog.mapPlot.positions()[row]
    return dialog.mapPlot.plot.mapFromScene(dialog.mapPlot.sceneAt(float(x), float(y)))


def lonely_row(dialog, candidates):
    """Of ``candidates``, the dot farthest (on screen) from every other dot, so the pointer finds it alone."""
    positions = dialog.mapPlot.positions().astype(np.float64)
    width, height = dialog.mapPlot.plot.getViewBox().viewPixelSize()
    pixels = positions / [width, height]
    gaps = [np.delete(((pixels - pixels[row]) ** 2).sum(axis=1), row).min() for row in candidates]
    return int(candidates[int(np.argmax(gaps))])


def point_at(dialog, qtbot, row):
    viewport = dialog.mapPlot.plot.viewport()
    point = viewport_point(dialog, row)
    send_mouse(viewport, QEvent.Type.MouseMove, (point.x() + 1, point.y() + 1), Qt.MouseButton.NoButton)
    qtbot.wait(20)
    return point


def test_the_menu_scores_the_model_and_opens_a_pca_map_with_mistakes_ringed(window, qtbot, monkeypatch):
    assert window.mainActions.pointMap.shortcut().toString() == "Ctrl+Shift+P"
    assert DEFAULT_SAMPLES[PCA] == 10_000 and DEFAULT_SAMPLES[TSNE] == 3000      # all by PCA, fewer by t-SNE
    monkeypatch.setitem(DEFAULT_SAMPLES, PCA, SMALL)
    assert window.session().test_predictions is None
    dialog = open_map(window, qtbot)                # the model is scored on the test digits first
    predictions = window.session().test_predictions
    assert len(predictions.labels) == 10_000
    point_map = dialog.pointMap()
    assert point_map.depth == 2 and dialog.controls.depthName() == "hidden layer 2"
    assert len(point_map.indices) == SMALL and dialog.controls.sampleCombo.currentText() == f"{SMALL:,}"
    features = representations(window.model(), predictions.images[point_map.indices] / 255.0, 2)
    assert np.allclose(point_map.positions, fit_pca(features, 2).transform(features), atol=1e-3)
    wrong = predictions.labels[point_map.indices] != predictions.predictions[point_map.indices]
    assert wrong.sum() > 0 and np.array_equal(dialog.mapPlot.mistakes(), wrong)
    rings = dialog.mapPlot._rings.getData()
    assert len(rings[0]) == wrong.sum()
    assert f"{wrong.sum():,} of them are read wrongly" in dialog.captionLabel.text()
    assert dialog.mapPlot.plot.getAxis("bottom").labelText.startswith("PCA direction 1")
    # The chart and the words around it explain themselves, with what they show now.
    for widget in (dialog.mapPlot.plot, dialog.captionLabel, dialog.drawingLabel, dialog.progressBar):
        assert widget.toolTip() and widget.whatsThis()
    assert f"{SMALL:,} test digits at hidden layer 2, by PCA" in dialog.mapPlot.plot.whatsThis()


def test_pointing_at_a_dot_shows_its_digit_and_the_two_best_guesses(window, dialog, qtbot):
    predictions = window.session().test_predictions
    wrong = np.flatnonzero(dialog.mapPlot.mistakes())
    row = lonely_row(dialog, wrong)
    point_at(dialog, qtbot, row)
    index = int(dialog.pointMap().indices[row])
    assert dialog.card.testIndex() == index
    first, second = np.argsort(predictions.probabilities[index])[::-1][:2]
    words = dialog.card.words.text()
    assert f"#{index:,}" in words and f"written as <b>{predictions.labels[index]}</b>" in words
    assert f"reads <b>{first}</b>" in words and f"then <b>{second}</b>" in words and "wrong" in words
    assert dialog.mapPlot.plot.toolTip() == words
    # A click keeps the digit; Put on canvas draws with it.
    point = viewport_point(dialog, row)
    viewport = dialog.mapPlot.plot.viewport()
    for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                          (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        send_mouse(viewport, kind, (point.x() + 1, point.y() + 1), buttons)
    qtbot.wait(20)
    send_mouse(viewport, QEvent.Type.MouseMove, (3, 3), Qt.MouseButton.NoButton)
    assert dialog.card.testIndex() == index                 # kept although the pointer left
    with qtbot.waitSignal(window.pointMapController.loadDigit) as loaded:
        dialog.card.loadButton.click()
    assert np.allclose(loaded.args[0], predictions.images[index] / 255.0)
    assert window.recognition() is not None             # on the canvas, read again


def test_the_drawing_is_a_live_point_that_moves_as_you_draw(window, dialog):
    assert dialog.mapPlot.drawingPosition() is None and "draw a digit" in dialog.drawingLabel.text()
    write_digit(window.canvas, 4)
    four = np.array(dialog.mapPlot.drawingPosition())
    expected = place(dialog.pointMap(), representation(window.model(), window.recognition().mnist_image, 2))
    assert np.allclose(four, expected, atol=1e-4)
    assert "read as <b>4</b>" in dialog.drawingLabel.text()
    window.mainActions.clear.trigger()
    assert dialog.mapPlot.drawingPosition() is None
    write_digit(window.canvas, 0)
    zero = np.array(dialog.mapPlot.drawingPosition())
    # The drawn 0 lands nearer the test 0s than the test 4s, and the 4 the other way round.
    positions = dialog.mapPlot.positions()
    labels = window.session().test_predictions.labels[dialog.pointMap().indices]
    centre = {digit: positions[labels == digit].mean(axis=0) for digit in (0, 4)}
    assert np.linalg.norm(zero - centre[0]) < np.linalg.norm(zero - centre[4])
    assert np.linalg.norm(four - centre[4]) < np.linalg.norm(four - centre[0])


def test_tsne_of_a_small_sample_can_be_cancelled_and_made(window, dialog, qtbot):
    dialog.controls.choose(method=TSNE, count=1000)
    assert dialog.isBusy() and dialog.cancelButton.isVisible()
    qtbot.waitUntil(lambda: dialog.progressBar.value() > 5, timeout=TIMEOUT)
    dialog.cancelButton.click()
    qtbot.waitUntil(lambda: not dialog.isBusy(), timeout=TIMEOUT)
    assert dialog.pointMap().method == PCA and dialog.controls.method() == PCA      # the map before stays
    assert not dialog.cancelButton.isVisible()
    write_digit(window.canvas, 7)
    dialog.controls.choose(method=TSNE, count=300)
    qtbot.waitUntil(lambda: map_ready(dialog, TSNE), timeout=TIMEOUT)
    point_map = dialog.pointMap()
    assert len(point_map.indices) == 300 and point_map.positions.shape == (300, 2)
    assert "t-SNE maps 3,000" in dialog.captionLabel.text()
    star = np.array(dialog.mapPlot.drawingPosition())
    assert np.allclose(star, place(point_map, representation(window.model(), window.recognition().mnist_image, 2)),
                       atol=1e-4)
    assert "nearest" in dialog.drawingLabel.text()
    # Back to PCA: that map was kept, and PCA comes back with its own number of digits.
    dialog.controls.choose(method=PCA)
    assert map_ready(dialog) and len(dialog.pointMap().indices) == SMALL


def test_a_new_model_brings_a_new_map(window, dialog, qtbot, tmp_path, test_predictions):
    old = dialog.pointMap()
    model = MLP(784, (32,), 10, rng=np.random.default_rng(0))
    assert window.openCheckpoint(save_checkpoint(model, tmp_path / "small.npz"))
    assert dialog.pointMap() is None and dialog.mapPlot.positions().size == 0
    qtbot.waitUntil(lambda: map_ready(dialog) and dialog.pointMap() is not old, timeout=TIMEOUT)
    assert dialog.controls.layerCombo.count() == 3            # input, one hidden layer, output scores
    predictions, shown = window.session().test_predictions, dialog.pointMap().indices
    assert predictions is not test_predictions and len(shown) == SMALL
    assert np.array_equal(dialog.mapPlot.mistakes(), predictions.labels[shown] !=
                          window.model().predict_proba(predictions.images[shown] / 255.0).argmax(axis=1))
    assert "small.npz" in dialog.windowTitle()


def test_the_window_closes_cleanly_even_while_a_map_is_made(window, dialog, qtbot):
    dialog.controls.choose(method=TSNE, count=1000)
    assert dialog.isBusy()
    started = time.perf_counter()
    dialog.close()
    assert time.perf_counter() - started < 10
    qtbot.waitUntil(lambda: window.pointMapController.dialog() is None, timeout=5000)
    window.mainActions.pointMap.trigger()                     # a new one opens, at once: the scores are kept
    qtbot.waitUntil(lambda: window.pointMapController.dialog() is not None, timeout=TIMEOUT)
    again = window.pointMapController.dialog()
    qtbot.waitUntil(lambda: map_ready(again), timeout=TIMEOUT)
    again.close()


def test_scikit_learn_waits_until_a_tsne_map_is_asked_for():
    code = ("import sys\n"
            "import digitpad.gui.window.main_window, digitpad.gui.pointmap.point_map_dialog, digitpad.inside\n"
            "from digitpad.inside.point_map import tsne_available\n"
            "assert tsne_available()\n"
            "print(sorted(name for name in ('sklearn', 'scipy') if name in sys.modules))\n")
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                               timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"

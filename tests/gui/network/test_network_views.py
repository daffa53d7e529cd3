"""The views inside the network on the real main window, with digits written
by real mouse events: the network view and "Why this answer" follow the
drawing live, hovering a unit gives its numbers, clicking one opens its
detail (weights, strongest inputs, activity on the MNIST test digits measured
in the background, dead units), the docks are remembered between sessions,
a model of another shape is shown as it is, and everything explains
itself."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from digitpad.gui.common.messages import escape
from digitpad.gui.common.percent import percent
from digitpad.gui.common.synthetic_input import draw_polyline, write_digit
from digitpad.gui.network.readings import TOP_CONNECTIONS
from digitpad.gui.window.live_recognition import LIVE_PREDICTION_INTERVAL_MS
from digitpad.gui.window.main_window import MainWindow
from digitpad.inside import network_layers
from digitpad.model.checkpoint import save_checkpoint
from digitpad.nn import MLP


@pytest.fixture
def views(window, qtbot):
    """The window with both docks shown through the View menu's actions."""
    window.mainActions.networkView.trigger()
    window.mainActions.whyAnswer.trigger()
    inside = window.insideViews
    qtbot.waitUntil(lambda: inside.networkView.isVisible() and inside.attributionView.isVisible())
    return inside


def test_the_docks_start_hidden_and_the_view_menu_shows_them(window, qtbot):
    inside = window.insideViews
    assert inside.networkDock.isHidden() and inside.whyDock.isHidden()
    assert not window.mainActions.networkView.isChecked()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus.index("&View") == menus.index("&Edit") + 1
    window.mainActions.networkView.trigger()
    assert inside.networkView.isVisible() and window.mainActions.networkView.isChecked()
    inside.networkDock.close()                      # the dock's own close button
    assert not window.mainActions.networkView.isChecked()


def test_the_views_follow_a_digit_written_with_the_mouse(window, views):
    write_digit(window.canvas, 4)
    model = window.model()
    followed = views.networkView
    assert followed.selectedUnit() is None
    [(layer, unit, sources, pushes)] = followed.connections()
    last = network_layers(model)[-1]
    assert (layer, unit) == (last.index, 4)
    # The strongest activation × weight products into the answer, strongest first.
    recognition = window.recognition()
    activations = recognition.mnist_image.reshape(-1)
    for hidden_layer in network_layers(model)[:-1]:
        activations = np.maximum(activations @ hidden_layer.weights + hidden_layer.bias, 0)
    every_push = activations * last.weights[:, 4]
    # At most TOP_CONNECTIONS: units silent on this drawing push nothing and are not drawn.
    assert len(sources) == min(TOP_CONNECTIONS, np.count_nonzero(every_push))
    assert len(sources) > 100 and np.all(np.diff(np.abs(pushes)) <= 0)
    assert np.allclose(pushes, every_push[sources], atol=1e-5)
    assert np.abs(pushes).min() >= np.sort(np.abs(every_push))[-TOP_CONNECTIONS] - 1e-6
    explanation = views.attributionView.explanation()
    assert explanation.digits[0] == 4 and explanation.maps.shape == (2, 28, 28)
    assert np.array_equal(explanation.image, recognition.mnist_image)
    before = pushes.copy()
    window.mainActions.undo.trigger()                 # one stroke left: the views change with it
    assert not np.array_equal(views.networkView.connections()[0][3], before)
    window.mainActions.clear.trigger()
    assert views.networkView.connections() == [] and views.attributionView.explanation() is None


def test_the_views_update_while_the_pen_is_still_down(window, views, qtbot):
    canvas = window.canvas
    x = canvas.width() / 2
    points = [(x, canvas.height() * (0.2 + 0.6 * t)) for t in np.linspace(0, 1, 30)]
    draw_polyline(canvas, points, release=False)
    assert canvas.isDrawing()
    qtbot.waitUntil(lambda: views.attributionView.explanation() is not None, timeout=2000)
    assert views.networkView.connections() and views.attributionView.explanation().digits[0] == 1
    draw_polyline(canvas, [points[-1], points[-1]])


def test_a_reading_follows_the_last_one_within_the_live_interval(window):
    live, canvas = window.liveRecognition, window.canvas
    assert LIVE_PREDICTION_INTERVAL_MS <= 1000 / 30 * 0.8       # at least 30 readings a second, with room
    x = canvas.width() / 2
    draw_polyline(canvas, [(x, 100), (x, 140)], release=False)
    # A movement long after the last reading is read at once ...
    live.recogniseNow()
    QTest.qWait(5)
    draw_polyline(canvas, [(x, 140), (x, 150)], release=False)
    waiting = live.nextReadingIn()
    # ... and while the pen keeps moving, the next reading starts one interval after the last one started.
    assert 0 <= waiting <= LIVE_PREDICTION_INTERVAL_MS - 4
    QTest.qWait(LIVE_PREDICTION_INTERVAL_MS + 40)
    assert live.nextReadingIn() == -1
    draw_polyline(canvas, [(x, 150), (x, 160)])


def hover(widget, point):
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, point.toPoint(),
                                              widget.mapToGlobal(point.toPoint())))
    return QToolTip.text()


def test_hovering_a_unit_shows_its_numbers(window, views):
    write_digit(window.canvas, 7)
    view = views.networkView
    record = window.model()
    layers = network_layers(record)
    unit = 5
    text = hover(view, view.unitCentre(0, unit))
    assert f"Unit {unit} of hidden layer 1" in text and "z =" in text
    assert f"bias b = {layers[0].bias[unit]:.3f}" in text and "activation a =" in text
    text = hover(view, view.unitCentre(len(layers) - 1, 7))
    assert "output unit for 7" in text and "probability" in text
    assert "Input pixel" in hover(view, view.unitCentre(-1, 14 * 28 + 14))
    QToolTip.hideText()


def test_clicking_a_first_layer_unit_opens_its_weights(window, views, qtbot, settings, mnist_dir):
    settings.set_mnist_dir(str(mnist_dir))
    write_digit(window.canvas, 3)
    first = network_layers(window.model())[0]
    # The unit this drawing drives hardest: one that is alive, whatever the model.
    unit = int((window.recognition().mnist_image.reshape(-1) @ first.weights + first.bias).argmax())
    view = views.networkView
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.unitCentre(0, unit).toPoint())
    assert view.selectedUnit() == (0, unit)
    assert [(layer, target) for layer, target, _, _ in view.connections()] == [(2, 3), (0, unit)]
    detail = views.dialog()
    assert detail is not None and detail.isVisible() and detail.unit() == (0, unit)
    weights = network_layers(window.model())[0].weights[:, unit].reshape(28, 28)
    image = window.recognition().mnist_image
    assert np.allclose(detail.weights.values(), weights)
    assert np.allclose(detail.weightsTimesDrawing.values(), weights * image)
    # Activity is measured in the background the first time, then kept with the model.
    qtbot.waitUntil(lambda: not views.isMeasuring(), timeout=10000)
    activity = window.session().unit_activity
    assert activity is not None and [len(fractions) for fractions in activity] == [1024, 1024]
    assert f"{activity[0][unit]:.1%}" in detail.activity.text()
    dead = np.flatnonzero(activity[0] == 0)
    if len(dead):
        views.openUnit(0, int(dead[0]))
        assert "dead" in detail.activity.text().lower() and "dead" in detail.headline.text()
    write_digit(window.canvas, 8)                      # the detail follows the drawing
    assert np.allclose(detail.weightsTimesDrawing.values(),
                       network_layers(window.model())[0].weights[:, detail.unit()[1]].reshape(28, 28)
                       * window.recognition().mnist_image)
    detail.close()
    qtbot.waitUntil(lambda: view.selectedUnit() is None)


def test_a_later_unit_shows_its_strongest_inputs_as_bars(window, views, qtbot, monkeypatch):
    monkeypatch.setattr(type(views), "_mnist_here", lambda self: False)    # no measuring here
    write_digit(window.canvas, 2)
    views.openUnit(1, 40)
    detail = views.dialog()
    assert detail.pages.currentWidget() is detail.inputBars
    bars = detail.inputBars.bars()
    assert len(bars) == 12 and all(abs(a[1]) >= abs(b[1]) for a, b in zip(bars, bars[1:]))
    model = window.model()
    layers = network_layers(model)
    hidden = np.maximum(window.recognition().mnist_image.reshape(1, -1) @ layers[0].weights + layers[0].bias, 0)[0]
    pushes = hidden * layers[1].weights[:, 40]
    label, value = bars[0]
    assert value == pytest.approx(float(pushes[int(label.split()[-1])]), rel=1e-4)
    assert "not measured" in detail.activity.text() and detail.measureButton.isVisibleTo(detail)
    views.openUnit(2, 2)
    assert "softmax" in detail.activity.text() and "output unit for 2" in detail.headline.text()


def test_the_docks_are_remembered_between_sessions(qtbot, settings, paths, session):
    first = MainWindow(settings, paths, session)
    qtbot.addWidget(first)
    first.show()
    first.mainActions.whyAnswer.trigger()
    first.close()
    second = MainWindow(settings, paths, session)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert not second.insideViews.whyDock.isHidden() and second.insideViews.networkDock.isHidden()
    assert second.mainActions.whyAnswer.isChecked() and not second.mainActions.networkView.isChecked()


def test_a_network_of_another_shape_is_drawn_as_it_is(window, views, tmp_path):
    write_digit(window.canvas, 5)
    views.openUnit(0, 900)
    other = MLP(784, (20, 12), 10, rng=np.random.default_rng(0))
    assert window.openCheckpoint(str(save_checkpoint(other, tmp_path / "small.npz")))
    assert views.dialog() is None                       # unit 900 is no more
    assert views.networkView.selectedUnit() is None and window.session().unit_activity is None
    assert views.networkView.layerGrids() == [(28, 28), (4, 5), (3, 4), (10, 1)]
    [(layer, unit, sources, pushes)] = views.networkView.connections()
    assert layer == 2 and unit == window.recognition().digit and len(sources) <= 12
    views.openUnit(1, 11)
    assert views.dialog().unit() == (1, 11)


def test_every_view_explains_itself_with_its_current_values(window, views, monkeypatch):
    monkeypatch.setattr(type(views), "_mnist_here", lambda self: False)
    for widget in (views.networkView, views.attributionView, views.networkDock, views.whyDock):
        assert widget.toolTip() and widget.whatsThis()
    write_digit(window.canvas, 4)
    probability = window.recognition().probabilities[4]
    shown = escape(percent(probability))      # never "100.0%" for a calibrated probability below 1
    assert f"reads <b>4</b> at {shown}" in views.networkView.whatsThis()
    assert f"answer 4 ({shown}" in views.attributionView.whatsThis()
    views.openUnit(0, 10)
    detail = views.dialog()
    z = float(window.recognition().mnist_image.reshape(-1) @ network_layers(window.model())[0].weights[:, 10]
              + network_layers(window.model())[0].bias[10])
    assert f"z = {z:+.3f}" in detail.numbers.whatsThis()
    for widget in (detail.headline, detail.numbers, detail.activity, detail.measureButton, detail.weights,
                   detail.weightsTimesDrawing, detail.inputBars, detail.key):
        assert widget.toolTip() and widget.whatsThis()
    for action in (window.mainActions.networkView, window.mainActions.whyAnswer):
        assert action.toolTip() and action.whatsThis() and action.shortcut().toString()


FITS = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from digitpad.gui.app_paths import AppPaths
from digitpad.gui.settings import AppSettings
from digitpad.gui.window.main_window import MainWindow
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.session import Session
folder = sys.argv[1]
paths = AppPaths(__import__("pathlib").Path(folder) / "data", __import__("pathlib").Path(folder) / "cache")
model, metadata = load_checkpoint(bundled_checkpoint_path())
window = MainWindow(AppSettings(QSettings(folder + "/s.ini", QSettings.Format.IniFormat)), paths,
                    Session.start(model, bundled_checkpoint_path(), metadata, paths.data_dir))
window.resize(1280, 720)
window.show()
window.mainActions.networkView.trigger()
window.mainActions.whyAnswer.trigger()
app.processEvents()
window.insideViews.openUnit(0, 3)
app.processEvents()
needed, detail = window.minimumSizeHint(), window.insideViews.dialog()
print(needed.width(), needed.height(), window.width(), window.height(), detail.width(), detail.height(),
      window.insideViews.networkView.width(), window.insideViews.attributionView.height())
window.close()                  # stops the background work before the app goes
"""


@pytest.mark.parametrize("scale", ["1", "2"])
def test_the_window_with_every_view_open_fits_1280_by_720(tmp_path, scale):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    completed = subprocess.run([sys.executable, "-c", FITS, str(tmp_path)], capture_output=True, text=True,
                               cwd=root, timeout=120,
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale,
                                    "PYTHONPATH": str(root)})
    assert completed.returncode == 0, completed.stderr
    needed_width, needed_height, width, height, detail_width, detail_height, network_width, why_height = \
        map(int, completed.stdout.split())
    assert needed_width <= 1280 and needed_height <= 720
    assert (width, height) == (1280, 720)
    assert detail_width <= 1280 and detail_height <= 720
    assert network_width >= 400 and why_height >= 200        # room to read them


def test_the_keyboard_moves_the_selection_and_enter_opens_the_detail(window, views, monkeypatch):
    monkeypatch.setattr(type(views), "_mnist_here", lambda self: False)
    write_digit(window.canvas, 6)
    view = views.networkView
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Up)                 # from the answer, 6, to the output above it
    assert view.selectedUnit() == (2, 5) and views.dialog() is None
    QTest.keyClick(view, Qt.Key.Key_PageUp)
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.selectedUnit() == (1, 6)
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert views.dialog().unit() == (1, 6)
    QTest.keyClick(view, Qt.Key.Key_Down)               # an open detail follows the selection
    assert views.dialog().unit() == (1, 6 + 32)

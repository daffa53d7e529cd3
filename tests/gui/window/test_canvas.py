"""The drawing canvas driven by real mouse (and tablet) events: ink appears
where the pen goes, undo and clear, pen width and pressure, pictures and
dropped files."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from digitpad.gui.common.synthetic_input import draw_polyline
from digitpad.gui.window.canvas import DrawingCanvas


@pytest.fixture
def canvas(qtbot):
    widget = DrawingCanvas(pen_width=12)
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def ink_at(canvas, x, y):
    scale = canvas.deviceScale()
    return canvas.image()[int(y * scale), int(x * scale)]


def test_mouse_stroke_puts_ink_along_its_path_only(canvas, qtbot):
    assert canvas.isEmpty() and canvas.image().max() == 0
    with qtbot.waitSignal(canvas.strokeFinished):
        draw_polyline(canvas, [(50, 150), (150, 150), (250, 150)])
    image = canvas.image()
    assert image.shape == (round(300 * canvas.deviceScale()), round(400 * canvas.deviceScale()))
    assert image.dtype == np.float32
    assert ink_at(canvas, 100, 150) == pytest.approx(1.0)
    assert ink_at(canvas, 100, 100) == 0.0
    assert ink_at(canvas, 350, 150) == 0.0
    # A 12 px pen: ink 5 px from the centre line, none 8 px away.
    assert ink_at(canvas, 100, 155) > 0.9 and ink_at(canvas, 100, 158) == 0.0
    assert len(canvas.strokes()) == 1 and not canvas.isEmpty()


def test_moving_without_the_button_draws_nothing(canvas):
    from digitpad.gui.common.synthetic_input import send_mouse

    send_mouse(canvas, QEvent.Type.MouseMove, (100, 100), Qt.MouseButton.NoButton)
    send_mouse(canvas, QEvent.Type.MouseMove, (200, 200), Qt.MouseButton.NoButton)
    assert canvas.isEmpty() and canvas.image().max() == 0


def test_ink_grows_while_the_stroke_is_still_being_drawn(canvas, qtbot):
    changes = []
    canvas.drawingChanged.connect(lambda: changes.append(canvas.image().sum()))
    draw_polyline(canvas, [(50, 50), (100, 60), (150, 70), (200, 80)], release=False)
    assert canvas.isDrawing()
    assert len(changes) >= 4 and changes == sorted(changes) and changes[-1] > 0
    draw_polyline(canvas, [(200, 80), (210, 80)])
    assert not canvas.isDrawing()


def test_undo_removes_the_last_stroke_and_clear_removes_everything(canvas, qtbot):
    draw_polyline(canvas, [(50, 100), (350, 100)])
    first = canvas.image()
    draw_polyline(canvas, [(50, 200), (350, 200)])
    assert ink_at(canvas, 200, 200) > 0.9
    with qtbot.waitSignal(canvas.undoAvailable) as signal:
        canvas.undo()
    assert signal.args == [True]
    np.testing.assert_array_equal(canvas.image(), first)
    canvas.undo()
    assert canvas.isEmpty() and canvas.image().max() == 0 and not canvas.canUndo()
    canvas.undo()  # nothing left: harmless
    draw_polyline(canvas, [(50, 100), (350, 100)])
    canvas.clear()
    assert canvas.isEmpty() and canvas.image().max() == 0


def test_pen_width_applies_to_new_strokes(canvas):
    canvas.setPenWidth(30)
    draw_polyline(canvas, [(50, 150), (350, 150)])
    assert ink_at(canvas, 200, 163) > 0.9
    assert canvas.strokes()[0].width == 30


def test_redrawing_after_resize_keeps_the_strokes(canvas, qtbot):
    draw_polyline(canvas, [(50, 150), (350, 150)])
    canvas.resize(500, 350)
    qtbot.waitUntil(lambda: canvas.image().shape[1] == round(500 * canvas.deviceScale()))
    assert ink_at(canvas, 200, 150) == pytest.approx(1.0)


def tablet_event(canvas, kind, x, y, pressure):
    device = QPointingDevice.primaryPointingDevice()
    position = QPointF(x, y)
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
    return QTabletEvent(kind, device, position, canvas.mapToGlobal(position), pressure, 0.0, 0.0,
                        0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)


def test_tablet_pressure_changes_the_stroke_width(canvas):
    canvas.setPenWidth(30)
    for pressure, y in ((1.0, 80), (0.1, 220)):
        for kind, x in ((QEvent.Type.TabletPress, 50), (QEvent.Type.TabletMove, 200),
                        (QEvent.Type.TabletMove, 350), (QEvent.Type.TabletRelease, 350)):
            QApplication.sendEvent(canvas, tablet_event(canvas, kind, x, y, pressure))
    image = canvas.image()
    scale = canvas.deviceScale()
    column = image[:, int(200 * scale)]
    heavy = np.count_nonzero(column[: int(150 * scale)] > 0.5)
    light = np.count_nonzero(column[int(150 * scale):] > 0.5)
    assert len(canvas.strokes()) == 2
    assert heavy > 2 * light > 0


def test_set_image_shows_a_picture_that_undo_removes(canvas):
    picture = np.zeros((28, 28), np.float32)
    picture[4:24, 12:16] = 1.0
    canvas.setImage(picture)
    assert not canvas.isEmpty() and canvas.image().max() > 0.9
    draw_polyline(canvas, [(20, 20), (60, 20)])
    canvas.undo()
    assert canvas.image().max() > 0.9
    canvas.undo()
    assert canvas.isEmpty() and canvas.image().max() == 0
    with pytest.raises(ValueError):
        canvas.setImage(np.zeros((3, 3, 3)))


def test_dropping_an_image_file_emits_its_path(canvas, qtbot, tmp_path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt")),
                  QUrl.fromLocalFile(str(tmp_path / "digit.PNG"))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(canvas.fileDropped) as signal:
        canvas.dropEvent(event)
    assert signal.args == [str(tmp_path / "digit.PNG")]

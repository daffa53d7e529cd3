"""Fixtures for the GUI tests: a private settings file and data folders, the
bundled model, a shown main window, and real pen input — QMouseEvents with
the left button held, sent to the canvas like a person's mouse would."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from digitpad.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.data.digit_templates import digit_strokes
from digitpad.gui.app_paths import AppPaths
from digitpad.gui.main_window import MainWindow
from digitpad.gui.settings import AppSettings


@pytest.fixture
def settings(tmp_path):
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def paths(tmp_path):
    return AppPaths(tmp_path / "data", tmp_path / "cache")


@pytest.fixture(scope="session")
def bundled():
    path = bundled_checkpoint_path()
    model, metadata = load_checkpoint(path)
    return model, path, metadata


@pytest.fixture
def window(qtbot, settings, paths, bundled):
    model, path, metadata = bundled
    main_window = MainWindow(settings, paths, model, path, metadata)
    qtbot.addWidget(main_window)
    main_window.resize(1000, 640)
    main_window.show()
    qtbot.waitExposed(main_window)
    return main_window


def send_mouse(widget, kind, point, buttons):
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    position = QPointF(float(point[0]), float(point[1]))
    event = QMouseEvent(kind, position, widget.mapToGlobal(position), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def draw_polyline(widget, points, release=True):
    """Press at the first point, move through the rest with the button held, release."""
    send_mouse(widget, QEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
    for point in points[1:]:
        send_mouse(widget, QEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
    if release:
        send_mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)


def draw_digit(canvas, digit, height_fraction=0.65, centre_x=0.5, **options):
    """Write ``digit`` on the canvas with real mouse events; returns its strokes' paths."""
    height = canvas.height() * height_fraction
    left = canvas.width() * centre_x - height * 0.375
    top = (canvas.height() - height) / 2
    paths = []
    for stroke in digit_strokes(digit, left, top, height, canvas.penWidth(), **options):
        draw_polyline(canvas, stroke.points[:, :2])
        paths.append(stroke.points[:, :2])
    return paths

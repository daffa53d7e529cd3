"""Synthetic pen input: writing strokes on a widget with real QMouseEvents
(press, moves with the left button held, release), exactly as a mouse would.
``QTest.mouseMove`` cannot do this — it does not carry the pressed button.
Used by the self-test, the tests and the benchmarks.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from digitpad.data.ink.digit_templates import digit_strokes, number_strokes
from digitpad.data.ink.strokes import Stroke


def send_mouse(widget: QWidget, kind: QEvent.Type, point: Sequence[float],
               buttons: Qt.MouseButton) -> None:
    """Deliver one mouse event at ``point`` (widget coordinates) to ``widget``."""
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    position = QPointF(float(point[0]), float(point[1]))
    event = QMouseEvent(kind, position, widget.mapToGlobal(position), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def draw_polyline(widget: QWidget, points: Iterable[Sequence[float]], release: bool = True) -> None:
    """Press at the first point, move through the rest with the button held, then release."""
    points = list(points)
    send_mouse(widget, QEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
    for point in points[1:]:
        send_mouse(widget, QEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
    if release:
        send_mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)


def write_strokes(widget: QWidget, strokes: Iterable[Stroke]) -> None:
    for stroke in strokes:
        draw_polyline(widget, stroke.points[:, :2])


def write_digit(canvas, digit: int, height_fraction: float = 0.65, centre_x: float = 0.5,
                **options) -> list[Stroke]:
    """Write ``digit`` in the middle of ``canvas`` with the canvas's pen; returns its strokes."""
    height = canvas.height() * height_fraction
    strokes = digit_strokes(digit, canvas.width() * centre_x - height * 0.375,
                            (canvas.height() - height) / 2, height, canvas.penWidth(), **options)
    write_strokes(canvas, strokes)
    return strokes


def write_number(canvas, text: str, height_fraction: float = 0.4, gap: float = 0.3,
                 width_scales: dict[int, float] | None = None) -> list[Stroke]:
    """Write the digits of ``text`` side by side across the middle of ``canvas``."""
    height = canvas.height() * height_fraction
    strokes = number_strokes(text, canvas.width() * 0.08, (canvas.height() - height) / 2, height,
                             canvas.penWidth(), gap=gap, width_scales=width_scales)
    write_strokes(canvas, strokes)
    return strokes

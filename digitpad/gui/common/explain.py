"""Every control explains itself to a learner: a short tooltip for the
pointer and a longer "What's This?" text saying what it does and why.
These helpers set both at once — on any widget, on a new push button, and
on a new note (a plain-text label that wraps) — and ``now`` ends a "What's
This?" text with what the widget shows at the moment.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

Widget = TypeVar("Widget", bound=QWidget)


def explain(widget: Widget, tip: str, whats_this: str) -> Widget:
    """``widget`` with its tooltip and its "What's This?" text."""
    widget.setToolTip(tip)
    widget.setWhatsThis(whats_this)
    return widget


def now(text: str, value: str) -> str:
    """A "What's This?" text ending in the current value."""
    return f"{text}<p><b>Now:</b> {value}</p>"


def explained_button(text: str, slot: Callable, tip: str, whats_this: str) -> QPushButton:
    """A push button that calls ``slot`` when clicked and explains itself."""
    button = explain(QPushButton(text), tip, whats_this)
    button.clicked.connect(slot)
    return button


def explained_note(object_name: str, tip: str, whats_this: str, lines: int = 1, text: str = "") -> QLabel:
    """A plain-text label that wraps, named ``object_name``, with room for
    ``lines`` lines (a wrapped label in a layout is otherwise given one
    line's height and cut off), explaining itself."""
    label = explain(QLabel(), tip, whats_this)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    if lines > 1:
        label.setMinimumHeight(lines * label.fontMetrics().lineSpacing() + 2)
    return label

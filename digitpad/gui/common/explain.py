"""Every control explains itself to a learner: a short tooltip for the
pointer and a longer "What's This?" text saying what it does and why.
These helpers set both at once.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtWidgets import QPushButton, QWidget

Widget = TypeVar("Widget", bound=QWidget)


def explain(widget: Widget, tip: str, whats_this: str) -> Widget:
    """``widget`` with its tooltip and its "What's This?" text."""
    widget.setToolTip(tip)
    widget.setWhatsThis(whats_this)
    return widget


def explained_button(text: str, slot: Callable, tip: str, whats_this: str) -> QPushButton:
    """A push button that calls ``slot`` when clicked and explains itself."""
    button = explain(QPushButton(text), tip, whats_this)
    button.clicked.connect(slot)
    return button

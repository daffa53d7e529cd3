"""Messages and labels that may contain what a user typed or named: file
names, paths, error texts. Qt guesses whether a string is HTML
(``Qt::mightBeRichText``) for message boxes, labels and tooltips, so a file
called ``<font color=red>OFFICIAL model.npz`` would be rendered red and
bold. Message boxes and labels made here show plain text; text put into
rich text on purpose goes through ``escape``; tooltips, which cannot be set
to plain text, are made explicitly rich with their content escaped.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def escape(text) -> str:
    """``text`` made safe to put inside rich text."""
    return html.escape(str(text), quote=True)


def plain_tooltip(text) -> str:
    """A tooltip showing ``text`` exactly as it is."""
    return f"<p style='white-space:pre'>{escape(text)}</p>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, message: str,
                buttons=QMessageBox.StandardButton.Ok) -> QMessageBox:
    box = QMessageBox(icon, title, message, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, message: str) -> None:
    """A warning whose text is shown exactly as written."""
    message_box(parent, QMessageBox.Icon.Warning, title, message).exec()


def critical(parent: QWidget | None, title: str, message: str) -> None:
    message_box(parent, QMessageBox.Icon.Critical, title, message).exec()


def choose(parent: QWidget | None, icon: QMessageBox.Icon, title: str, message: str,
           choices: list[tuple[str, QMessageBox.ButtonRole]], dismiss: QMessageBox.StandardButton,
           rich: bool = False) -> int | None:
    """A message with a button for each ``(text, role)`` of ``choices`` and a
    ``dismiss`` button; returns the index of the choice clicked, or None.
    ``rich`` messages are our own rich text, any user string in them escaped."""
    box = message_box(parent, icon, title, message, dismiss)
    if rich:
        box.setTextFormat(Qt.TextFormat.RichText)
    buttons = [box.addButton(text, role) for text, role in choices]
    box.exec()
    clicked = box.clickedButton()
    return next((index for index, button in enumerate(buttons) if button is clicked), None)


def about(parent: QWidget | None, title: str, rich_text: str) -> None:
    """The app's About box (our own rich text, with the app's icon)."""
    QMessageBox.about(parent, title, rich_text)


def ask(parent: QWidget | None, title: str, message: str,
        buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        default=QMessageBox.StandardButton.No) -> QMessageBox.StandardButton:
    """A question; returns the button pressed."""
    box = message_box(parent, QMessageBox.Icon.Question, title, message, buttons)
    box.setDefaultButton(default)
    return QMessageBox.StandardButton(box.exec())

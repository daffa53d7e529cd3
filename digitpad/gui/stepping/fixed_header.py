"""A table header of a fixed size. Qt works out a header's size hint by
asking the model for the titles of up to 200 sections, which for a
layer's table — whose titles change with every reading of the drawing —
would cost more than the rest of an update; the step-through's headers have
fixed sizes anyway, so this one just says so.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHeaderView, QWidget


class FixedHeader(QHeaderView):
    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setSectionsClickable(True)
        self.setHighlightSections(False)

    def sizeHint(self) -> QSize:
        # The size set with setFixedWidth / setFixedHeight is the hint.
        return QSize(self.minimumWidth(), self.minimumHeight())

"""Opening a window at the size it prefers, but never larger than the screen
it opens on, less a margin for the title bar and the task bar — so every
dialog fits a 1280 × 720 screen, and one at twice the scale. The one place
the dialogs (lab, step-through, point map, data view, training lab) size
themselves."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

# Room left on the screen around a window: its frame, the title bar, a task bar.
WIDTH_MARGIN = 40
HEIGHT_MARGIN = 60


def fit_to_screen(window: QWidget, preferred: QSize) -> None:
    """Resize ``window`` to ``preferred``, shrunk to fit the available part
    of its screen, but never below its minimum size."""
    size = QSize(preferred)
    screen = window.screen()
    if screen is not None:
        available = screen.availableGeometry().size()
        size = size.boundedTo(QSize(available.width() - WIDTH_MARGIN, available.height() - HEIGHT_MARGIN))
    window.resize(size.expandedTo(window.minimumSize()))

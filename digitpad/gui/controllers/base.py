"""What the main window's controllers share. A controller reports to the
window by signal — ``status`` for a passing note in the status bar,
``failed`` for an error the window shows in a dialog — and stops its
background work when the window closes. A ``DialogController`` looks after
one kind of dialog: it makes it when asked, keeps the one it made, and
forgets it when Qt deletes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from digitpad.gui.controllers.evaluation import TestSetEvaluation
    from digitpad.gui.window.live_recognition import LiveRecognition
    from digitpad.session import Session


class Controller(QObject):
    status = Signal(str, int)       # a note for the status bar, and for how long (ms; 0 until replaced)
    failed = Signal(str, str)       # title, message: an error to show

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def stopAndWait(self) -> None:
        """Stop background work, waiting for it, before the window closes (none by default)."""


class DialogController(Controller):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._dialog: QDialog | None = None

    def dialog(self) -> QDialog | None:
        """The dialog made last, while it exists."""
        return self._dialog

    def _adopt(self, dialog: QDialog, delete_on_close: bool = True) -> QDialog:
        """Keep ``dialog`` as the one this controller shows; unless told
        otherwise it is deleted when closed, and forgotten then."""
        if delete_on_close:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            # Only this dialog is forgotten: a newer one may have replaced it by then.
            dialog.destroyed.connect(lambda *_: self._forget(dialog))
        self._dialog = dialog
        return dialog

    def _forget(self, dialog: QDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None

    def _present(self) -> None:
        """Show the dialog and bring it to the front."""
        self._dialog.show()
        self._dialog.raise_()
        self._dialog.activateWindow()


class FollowingDialogController(DialogController):
    """A ``DialogController`` whose dialog follows the drawing: it is shown
    each new reading of the canvas, and the current one when it opens (the
    step-through, the point map). Subclasses say how, in ``_show_drawing``."""

    def __init__(self, window: QWidget, session: "Session", evaluation: "TestSetEvaluation",
                 live: "LiveRecognition") -> None:
        super().__init__(window)
        self._session, self._evaluation, self._live = session, evaluation, live
        live.recognised.connect(self._drawing_read)

    def _drawing_read(self, *reading) -> None:
        if self._dialog is not None:
            self._show_drawing(self._dialog, self._live.recognition())

    def _show_drawing(self, dialog: QDialog, recognition) -> None:
        raise NotImplementedError


"""Model → Model info, and the Help menu's windows: what the model in use
is (from the session), the keyboard shortcuts (read from the window's
actions) and About digitpad. Each is modal and made afresh when asked.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.common.messages import about
from digitpad.gui.controllers.base import Controller
from digitpad.session import Session


class InfoController(Controller):
    def __init__(self, window: QWidget, session: Session) -> None:
        super().__init__(window)
        self._session = session

    @Slot()
    def showModelInfo(self) -> None:
        from digitpad.gui.evaluation.model_info_dialog import ModelInfoDialog

        session = self._session
        ModelInfoDialog(session.model, session.model_path, session.metadata, self._window).exec()

    @Slot()
    def showShortcuts(self) -> None:
        from digitpad.gui.window.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self._window.actions(), self._window).exec()

    @Slot()
    def showAbout(self) -> None:
        from digitpad import __version__

        about(self._window, "About digitpad",
              f"<h3>digitpad {__version__}</h3>"
              "<p>Draw a digit and watch a neural network decide.</p>"
              "<p>The network is a multilayer perceptron written from scratch in NumPy "
              "and trained on the MNIST handwritten digits.</p>")

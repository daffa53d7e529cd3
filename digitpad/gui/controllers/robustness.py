"""Model → Robustness report: a report window for the model in use, once
the MNIST test digits are at hand (several may be open, one per request).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.mnist_prompt import find_mnist
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.settings import AppSettings
from digitpad.session import Session


class RobustnessController(DialogController):
    def __init__(self, window: QWidget, session: Session, settings: AppSettings, paths: AppPaths) -> None:
        super().__init__(window)
        self._session, self._settings, self._paths = session, settings, paths

    @Slot()
    def show(self) -> None:
        from digitpad.gui.evaluation.robustness_dialog import RobustnessDialog

        source = find_mnist(self._window, self._settings, self._paths.mnist_cache_dir)
        if source is None:
            return
        dialog = RobustnessDialog(self._session.model, self._session.model_path.name, source, self._window)
        self._adopt(dialog).show()

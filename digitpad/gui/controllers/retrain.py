"""Model → Retrain: the one Retrain window, the training lab (kept when
closed); the model the user chooses from it goes out by ``useModel``, and
a run it still has — paused or not — is stopped when the app closes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.settings import AppSettings


class RetrainController(DialogController):
    useModel = Signal(str)          # a trained checkpoint to switch to

    def __init__(self, window: QWidget, settings: AppSettings, paths: AppPaths) -> None:
        super().__init__(window)
        self._settings, self._paths = settings, paths

    @Slot()
    def show(self) -> None:
        from digitpad.gui.training.retrain_dialog import RetrainDialog

        if self._dialog is None:
            dialog = RetrainDialog(self._settings, self._paths, self._window)
            dialog.useModel.connect(self.useModel)
            self._adopt(dialog, delete_on_close=False)
        self._present()

    def stopAndWait(self) -> None:
        """Stop a run the Retrain window still has (even a paused one) and wait for it."""
        if self._dialog is not None:
            self._dialog.stopAndWait()

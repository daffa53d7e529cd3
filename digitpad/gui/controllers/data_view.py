"""View → MNIST at a glance: one window at a time, reading both MNIST
splits where the app keeps them (asking to download them when they are
missing); a sample clicked in it goes out by ``loadDigit``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.mnist_prompt import find_mnist
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.settings import AppSettings


class DataViewController(DialogController):
    loadDigit = Signal(object)      # (28, 28) float32 in [0, 1]: a sample to put on the canvas

    def __init__(self, window: QWidget, settings: AppSettings, paths: AppPaths) -> None:
        super().__init__(window)
        self._settings, self._paths = settings, paths

    @Slot()
    def show(self) -> None:
        """Open MNIST at a glance (or bring it forward)."""
        self.open()

    def open(self, data=None) -> None:
        """Open the window; ``data``: an ``MnistAtAGlance`` already made (for
        tests and screenshots) instead of reading MNIST."""
        from digitpad.gui.dataview.data_view_dialog import DataViewDialog

        if self._dialog is None:
            source = None
            if data is None:
                source = find_mnist(self._window, self._settings, self._paths.mnist_cache_dir,
                                    splits=("train", "test"))
                if source is None:
                    return
            dialog = DataViewDialog(source, self._window, data=data)
            dialog.loadDigit.connect(self.loadDigit)
            self._adopt(dialog)
        self._present()

    def stopAndWait(self) -> None:
        if self._dialog is not None:
            self._dialog.stopAndWait()

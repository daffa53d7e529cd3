"""Model → Lab: one lab window at a time for the model in use, following
the drawing in the main window and picking the unit clicked in the network
view. When MNIST is not at hand (and the user declines to fetch it) the lab
still shows the effect on the drawing. An edited network the user keeps
goes out by ``useModel``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.mnist_prompt import find_mnist
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.settings import AppSettings
from digitpad.inside import network_layers
from digitpad.session import Session


class LabController(DialogController):
    useModel = Signal(str)          # the saved, edited checkpoint to switch to

    def __init__(self, window: QWidget, session: Session, live_recognition, settings: AppSettings,
                 paths: AppPaths) -> None:
        super().__init__(window)
        self._session, self._live = session, live_recognition
        self._settings, self._paths = settings, paths

    @Slot()
    def show(self, *_) -> None:
        """Open the lab (or bring it to the front), reading MNIST where the app keeps it."""
        self.open()

    def open(self, test_digits=None) -> None:
        """Open the lab; ``test_digits``: a preloaded ``TestDigits`` (for tests and
        screenshots) instead of reading MNIST."""
        from digitpad.gui.lab.lab_dialog import LabDialog

        if self._dialog is not None:
            self._present()
            return
        source = None
        if test_digits is None:
            source = find_mnist(self._window, self._settings, self._paths.mnist_cache_dir)
        try:
            network_layers(self._session.model)
        except ValueError as error:         # a network of a shape the lab does not explain
            self.failed.emit("Lab", f"The lab cannot change this network: {error}")
            return
        dialog = LabDialog(self._session, self._live, source, self._paths.data_dir / "edited", self._window,
                           test_digits=test_digits)
        dialog.useModel.connect(self.useModel)
        self._adopt(dialog)
        self._present()

    @Slot(int, int)
    def selectUnit(self, layer: int, unit: int) -> None:
        """A unit was picked elsewhere (the network view): pick it in the open lab too."""
        if self._dialog is not None:
            self._dialog.unitEditor.selectUnit(layer, unit)

    def stopAndWait(self) -> None:
        if self._dialog is not None:
            self._dialog.stopAndWait()

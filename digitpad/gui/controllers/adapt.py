"""Model → Adapt to my handwriting: a new adaptation dialog for the model in
use and a snapshot of the personal samples, once MNIST is at hand; the
adapted model, if the user keeps it, goes out by ``useModel``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.background import MnistSource
from digitpad.gui.common.mnist_prompt import find_mnist
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.settings import AppSettings
from digitpad.session import Session


class AdaptController(DialogController):
    useModel = Signal(str)          # the saved, adapted checkpoint to switch to

    def __init__(self, window: QWidget, session: Session, settings: AppSettings, paths: AppPaths) -> None:
        super().__init__(window)
        self._session, self._settings, self._paths = session, settings, paths

    @Slot()
    def show(self, *_ignored) -> None:
        """Open the dialog reading MNIST where the app keeps it (a menu's
        ``checked`` flag, if any, is ignored)."""
        self.open()

    def open(self, mnist=None) -> None:
        """``mnist``: preloaded ``((train images, labels), (test images, labels))``
        (for tests and screenshots) instead of reading MNIST."""
        from digitpad.gui.handwriting.adapt_dialog import AdaptDialog

        if mnist is not None:
            source = MnistSource(None, False, None)
        else:
            source = find_mnist(self._window, self._settings, self._paths.mnist_cache_dir, ("train", "test"))
        if source is None:
            return
        session = self._session
        images, labels = session.samples.arrays()
        dialog = AdaptDialog(session.model, session.model_path, session.metadata, images, labels,
                             self._paths.data_dir / "adapted", source, self._window, mnist=mnist)
        dialog.useModel.connect(self.useModel)
        self._adopt(dialog).show()

"""File → Open checkpoint, Recent checkpoints and Save checkpoint as: asks
for the file, has the session open or save it, and explains any problem by
name, leaving the model in use as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from digitpad.gui.common.save_path import ask_save_path
from digitpad.gui.controllers.base import Controller
from digitpad.model.checkpoint import CheckpointError
from digitpad.session import Session

CHECKPOINT_FILTER = "digitpad checkpoints (*.npz);;All files (*)"


class CheckpointFiles(Controller):
    # A checkpoint asked for is no longer there: forget it (in the recent list).
    checkpointMissing = Signal(str)

    def __init__(self, window: QWidget, session: Session) -> None:
        super().__init__(window)
        self._session = session

    @Slot()
    def choose(self) -> None:
        start = str(self._session.model_path.parent)
        path, _ = QFileDialog.getOpenFileName(self._window, "Open checkpoint", start, CHECKPOINT_FILTER)
        if path:
            self.open(path)

    @Slot(str)
    def open(self, path: str | Path) -> bool:
        """Switch to the model in ``path``; on any problem explain it and keep the current one."""
        in_use = self._session.model_path.name
        try:
            self._session.open_checkpoint(path)
        except CheckpointError as error:
            if not Path(path).exists():
                self.checkpointMissing.emit(str(path))
            self.failed.emit("Cannot open checkpoint", f"{error}\n\nThe model in use ({in_use}) is unchanged.")
            return False
        self.status.emit(f"Now using {Path(path).name}", 5000)
        return True

    @Slot()
    def saveAs(self) -> None:
        chosen = ask_save_path(self._window, "Save checkpoint as", Path.home() / self._session.model_path.name,
                               CHECKPOINT_FILTER, ".npz")
        if chosen is None:
            return
        try:
            self._session.save_checkpoint(chosen)
        except CheckpointError as error:
            self.failed.emit("Cannot save checkpoint", str(error))
            return
        self.status.emit(f"Saved {chosen}", 5000)

"""File → Recent checkpoints: the checkpoints used or saved lately, newest
first, as the settings remember them (see ``remember_checkpoints``); it
follows the session, and choosing one asks for it by ``checkpointChosen``.
File names are the user's and are shown as they are.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QMenu, QWidget

from digitpad.gui.common.messages import plain_tooltip
from digitpad.gui.common.observe import observe
from digitpad.gui.settings import AppSettings
from digitpad.session import Session


class RecentCheckpointsMenu(QMenu):
    checkpointChosen = Signal(str)

    def __init__(self, settings: AppSettings, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Recent &checkpoints", parent)
        self.setObjectName("recentCheckpoints")
        self._settings = settings
        observe(self, session.model_changed, self.rebuild)
        observe(self, session.checkpoint_saved, self._saved)
        self.rebuild()

    @Slot()
    def rebuild(self) -> None:
        """List the recent checkpoints as the settings have them now."""
        self.clear()
        recent = self._settings.recent_checkpoints()
        for path in recent:
            # "&" in a menu text marks a shortcut letter; "&&" shows one.
            item = self.addAction(Path(path).name.replace("&", "&&"))
            item.setToolTip(plain_tooltip(path))
            item.setStatusTip(path)
            item.triggered.connect(lambda checked=False, chosen=path: self.checkpointChosen.emit(chosen))
        self.setEnabled(bool(recent))

    @Slot(str)
    def forget(self, path: str) -> None:
        """Drop ``path`` from the list (it is gone)."""
        self._settings.remove_recent_checkpoint(path)
        self.rebuild()

    def _saved(self, path: Path) -> None:
        self.rebuild()

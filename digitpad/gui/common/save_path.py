"""Asking where to save a file of a given kind (a checkpoint, exported
handwriting). The file dialog asks before replacing the name the user
typed; when the app then adds the file type's suffix (``mymodel`` becomes
``mymodel.npz``) it asks again about that real name, so an existing file is
never replaced without the user agreeing to it by name.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from digitpad.gui.common.messages import ask


def ask_save_path(parent: QWidget | None, title: str, suggestion: str | Path, name_filter: str,
                  suffix: str) -> Path | None:
    """The path to save to, ending in ``suffix`` (".npz"), or None if the user cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggestion), name_filter)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() == suffix.lower():
        return path                     # the dialog itself asked about this very name
    path = path.with_name(path.name + suffix)
    if path.exists() or path.is_symlink():
        answer = ask(parent, title, f"{path} already exists.\n\nDo you want to replace it?")
        if answer != QMessageBox.StandardButton.Yes:
            return None
    return path

"""Where to read MNIST from, for the windows that need it (evaluation, the
misclassified digits, adaptation, the robustness report). When the files
are not on this computer the user is asked once per request: download them
into the per-user cache, or choose a folder that holds them (remembered in
the settings, and only ever read from).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from digitpad.data.mnist.locate import locate_mnist
from digitpad.gui.common.background import MnistSource
from digitpad.gui.common.messages import choose
from digitpad.gui.settings import AppSettings


def find_mnist(parent: QWidget, settings: AppSettings, cache_dir: Path,
               splits: tuple[str, ...] = ("test",)) -> MnistSource | None:
    """Where to load ``splits`` of MNIST from, asking to download them when
    they are missing; None if the user declined."""
    configured = settings.mnist_dir() or None
    data_dir = Path(configured) if configured else None
    if all(locate_mnist(split, data_dir, cache_dir=cache_dir) is not None for split in splits):
        return MnistSource(data_dir, False, cache_dir)
    what, size = ("test digits", "about 1.7 MB") if splits == ("test",) else ("digits", "about 11 MB")
    download, choose_folder = 0, 1
    answer = choose(parent, QMessageBox.Icon.Question, "MNIST needed",
                    f"The MNIST {what} were not found on this computer.\n\n"
                    f"digitpad can download them ({size}) from the public mirrors, "
                    "or you can choose a folder that holds the MNIST files.",
                    [("Download", QMessageBox.ButtonRole.AcceptRole),
                     ("Choose folder…", QMessageBox.ButtonRole.ActionRole)],
                    QMessageBox.StandardButton.Cancel)
    if answer == download:
        # Into the per-user cache: a chosen folder is only ever read from.
        return MnistSource(None, True, cache_dir)
    if answer == choose_folder:
        folder = QFileDialog.getExistingDirectory(parent, "Folder with the MNIST files")
        if folder:
            settings.set_mnist_dir(folder)
            return MnistSource(Path(folder), False, cache_dir)
    return None

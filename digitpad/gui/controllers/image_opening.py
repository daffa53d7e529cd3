"""File → Open image and pictures dropped on the canvas: each picture is
read in the background (``ImageWorker``) while the window stays usable, with
a busy indicator in the status bar. Decoding cannot be interrupted, so a
picture asked for while another is read replaces it: the running job's
result is dropped and the newest request starts when the job ends, never
two at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFileDialog, QProgressBar, QWidget

from digitpad.gui.common.background import BackgroundTask
from digitpad.gui.controllers.base import Controller
from digitpad.gui.window.image_worker import ImageWorker

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"


def busy_indicator() -> QProgressBar:
    """The status bar's sign that a picture is being read (hidden until then)."""
    busy = QProgressBar()
    busy.setObjectName("imageBusy")
    busy.setRange(0, 0)        # no known end: a busy animation
    busy.setTextVisible(False)
    busy.setMaximumWidth(120)
    busy.setToolTip("Reading the picture in the background; you can keep drawing")
    busy.setWhatsThis(
        "digitpad is reading the picture you opened: decoding it, finding the ink on the "
        "paper and cleaning it up. Big photos take a moment, so this happens in the "
        "background and the window stays usable. The ink appears on the canvas when done.")
    return busy


class ImageOpener(Controller):
    imageRead = Signal(object)      # the picture's ink: 2-D float32 in [0, 1], bright on black
    # A picture asked for with ``open`` was dealt with: True once its ink went
    # out by ``imageRead``, False when an error was reported.
    opened = Signal(bool)
    busyChanged = Signal(bool)      # reading (True) or idle again (False)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._job_ended)
        self._next_path: str | None = None

    @Slot()
    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Open image", str(Path.home()), IMAGE_FILTER)
        if path:
            self.open(path)

    @Slot(str)
    def open(self, path: str) -> None:
        """Read a digit or a number from the picture at ``path`` in the background."""
        path = str(path)
        self.busyChanged.emit(True)
        self.status.emit(f"Reading {Path(path).name}…", 0)
        if self._task.isRunning():
            self._task.cancel()
            self._next_path = path
            return
        worker = ImageWorker(path)
        # Slots of this object, so the results arrive on the GUI thread.
        worker.succeeded.connect(self._read)
        worker.failed.connect(self._unreadable)
        self._task.start(worker)

    def isReading(self) -> bool:
        """True while a picture is being read."""
        return self._task.isRunning()

    def _dropped(self) -> bool:
        """The running job's result is not wanted: replaced by a newer picture, or the window closed."""
        worker = self._task.worker()
        return worker is None or worker.isCancelRequested()

    @Slot(str, object)
    def _read(self, path: str, ink: np.ndarray) -> None:
        if self._dropped():
            return
        self.imageRead.emit(ink)
        self.status.emit(f"Read {Path(path).name}", 5000)
        self.opened.emit(True)

    @Slot(str)
    def _unreadable(self, message: str) -> None:
        if self._dropped():
            return
        self.status.emit("", 0)
        self.failed.emit("Cannot read image", f"{message}\n\nYour drawing is unchanged.")
        self.opened.emit(False)

    @Slot()
    def _job_ended(self) -> None:
        next_path, self._next_path = self._next_path, None
        if next_path is not None:
            self.open(next_path)
        else:
            self.busyChanged.emit(False)

    def stopAndWait(self) -> None:
        """Wait for a picture being read (at most a second or two) and drop it."""
        self._next_path = None
        self._task.stopAndWait()

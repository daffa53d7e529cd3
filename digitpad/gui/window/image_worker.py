"""Background job for File → Open image and pictures dropped on the canvas:
read the file with ``load_image`` and find the digits' ink in it (the
picture pipeline, ``picture_ink``) off the GUI thread, so a 100-megapixel photo
never freezes the window. It hands back the ink, or a message naming the
file and the problem, by signal; a cancelled job drops its picture instead.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal

from digitpad.data.ink.image_files import ImageError, load_image
from digitpad.data.ink.picture import picture_ink
from digitpad.gui.common.background import CancellableWorker, Cancelled


def ink_from_picture(grey: np.ndarray, path: str) -> np.ndarray:
    """The digits' ink (bright on black) in a picture as it looks; ``ImageError`` if there is none."""
    ink = picture_ink(grey)
    if not ink.any():
        raise ImageError(f"{path}: no digit found in the picture (it looks blank)")
    return ink


class ImageWorker(CancellableWorker):
    succeeded = Signal(str, object)     # the file's path, its ink: 2-D float32 in [0, 1]

    expected_errors = (ImageError,)
    task = "Reading the image"

    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path

    def path(self) -> str:
        return self._path

    def work(self) -> None:
        grey = load_image(self._path)
        # Decoding cannot be interrupted, but a picture nobody waits for any
        # more need not be searched for ink.
        if self.isCancelRequested():
            raise Cancelled
        ink = ink_from_picture(grey, self._path)
        if self.isCancelRequested():
            raise Cancelled
        self.succeeded.emit(self._path, ink)

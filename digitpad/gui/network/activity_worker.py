"""Background job: how often each hidden unit of a model is active on the
10,000 MNIST test digits (``digitpad.inside.unit_activity``), for the unit
detail and the dead units of the network view. It reads MNIST where the app
keeps it (downloading only when the user allowed it), can be cancelled, and
hands back the fractions, layer by layer, with the number of digits used.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.gui.common.background import MnistSource, MnistWorker
from digitpad.inside import unit_activity
from digitpad.nn import MLP


class ActivityWorker(MnistWorker):
    succeeded = Signal(object, int)        # list of (units,) fractions per hidden layer, digits used

    expected_errors = (MnistError,)
    task = "Measuring how often the units are active"

    def __init__(self, model: MLP, source: MnistSource) -> None:
        super().__init__(source.data_dir, source.download, source.cache_dir)
        self._model = model

    def work(self) -> None:
        from digitpad.data.mnist import as_float_images

        images, _ = self.loadMnist("test")
        self.succeeded.emit(unit_activity(self._model, as_float_images(images)), len(images))

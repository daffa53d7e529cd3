"""Background job for Model → Robustness report: find (or download) the MNIST
test set and compute ``robustness_report``, handing back each finished part
by signal so the window can plot it at once; Cancel stops between parts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.gui.background import Cancelled, MnistWorker
from digitpad.nn import MLP
from digitpad.train.robustness import robustness_report


class RobustnessWorker(MnistWorker):
    partReady = Signal(str, object)      # step name, its result (a Curve or an accuracy)
    succeeded = Signal(object)           # RobustnessReport

    def __init__(self, model: MLP, data_dir: Path | None, download: bool, cache_dir: Path | None = None,
                 sample: int = 2000, drawn_sample: int = 300) -> None:
        super().__init__(data_dir, download, cache_dir)
        self._model = model
        self._sample = sample
        self._drawn_sample = drawn_sample

    expected_errors = (MnistError,)
    task = "The robustness report"

    def work(self) -> None:
        images, labels = self.loadMnist("test")
        report = robustness_report(self._model, images.astype(np.float32) / 255, labels,
                                   sample=self._sample, drawn_sample=self._drawn_sample,
                                   progress=self.partReady.emit, should_stop=self.isCancelRequested)
        if report is None:
            raise Cancelled
        self.succeeded.emit(report)

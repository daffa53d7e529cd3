"""Background job for Model → Robustness report: find (or download) the MNIST
test set and compute ``robustness_report``, handing back each finished part
as a ``PartMeasured`` by signal so the window can plot it at once; Cancel
stops between parts.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from digitpad.data.mnist import MnistError, as_float_images
from digitpad.gui.common.background import Cancelled, MnistSource, MnistWorker
from digitpad.nn import MLP
from digitpad.train.robustness import PartMeasured, robustness_report


class RobustnessWorker(MnistWorker):
    partMeasured = Signal(object)        # PartMeasured
    succeeded = Signal(object)           # RobustnessReport

    expected_errors = (MnistError,)
    task = "The robustness report"

    def __init__(self, model: MLP, source: MnistSource, sample: int = 2000, drawn_sample: int = 300) -> None:
        super().__init__(source.data_dir, source.download, source.cache_dir)
        self._model = model
        self._sample = sample
        self._drawn_sample = drawn_sample

    def work(self) -> None:
        images, labels = self.loadMnist("test")
        report = robustness_report(self._model, as_float_images(images).reshape(images.shape), labels,
                                   sample=self._sample, drawn_sample=self._drawn_sample,
                                   progress=self._part_measured, should_stop=self.isCancelRequested)
        if report is None:
            raise Cancelled
        self.succeeded.emit(report)

    def _part_measured(self, step: str, result) -> None:
        self.partMeasured.emit(PartMeasured.from_progress(step, result))

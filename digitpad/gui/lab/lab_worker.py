"""Background job for the lab: edit a copy of the network, hand it back at
once (the window reads the drawing with it), score it on the MNIST test set
before → after, then measure the damage curves still missing, point by
point. Cancelling stops it between steps; it never touches a widget and
never changes the model it was given.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from digitpad.data.mnist import MnistError, as_float_images
from digitpad.gui.common.background import Cancelled, MnistSource, MnistWorker
from digitpad.gui.lab.lab_events import (DamageCurve, EditedModel, LabJob, TestDigits, TestScores,
                                         curve_edits)
from digitpad.inside import edit_model, score_model


class LabWorker(MnistWorker):
    digitsLoaded = Signal(object)       # TestDigits, once read from disk
    modelEdited = Signal(object)        # EditedModel
    scored = Signal(object)             # TestScores
    curveMeasured = Signal(object, object)  # the LabJob and its DamageCurve, after each new point
    status = Signal(str)

    # A ValueError names an edit that does not fit the network.
    expected_errors = (MnistError, ValueError)
    task = "The lab"

    def __init__(self, job: LabJob, source: MnistSource | None) -> None:
        # Without a source (the user declined to fetch MNIST) only the drawing shows the edits.
        where = (source.data_dir, source.download, source.cache_dir) if source else (None, False, None)
        super().__init__(*where)
        self._job, self._source = job, source

    def work(self) -> None:
        job = self._job
        edited = job.model if job.edits.is_identity else edit_model(job.model, job.edits)
        self._check()
        self.modelEdited.emit(EditedModel(job, edited))
        digits = job.digits if job.digits is not None else self._load()
        if digits is None:
            return
        self.status.emit(f"Scoring {len(digits):,} test digits…")
        before = job.before or score_model(job.model, digits.images, digits.labels)
        self._check()
        after = before if edited is job.model else score_model(edited, digits.images, digits.labels)
        self._check()
        subset = digits.first(job.curve_digits)
        on_curve = score_model(edited, subset.images, subset.labels).accuracy
        self.scored.emit(TestScores(job, before, after, len(digits), on_curve, len(subset)))
        for curve in job.curves:
            self._measure(curve, subset)

    def _load(self) -> TestDigits | None:
        if self._source is None:
            return None
        self.status.emit("Loading the MNIST test digits…")
        images, labels = self.loadMnist("test")
        digits = TestDigits(as_float_images(images), labels)
        self.digitsLoaded.emit(digits)
        return digits

    def _measure(self, curve: DamageCurve, subset: TestDigits) -> None:
        """Continue ``curve`` from its last measured point to its end."""
        accuracies = list(curve.accuracies)
        for level in curve.levels[len(accuracies):]:
            self._check()
            damaged = edit_model(self._job.model, curve_edits(curve, level))
            self._check()
            accuracies.append(score_model(damaged, subset.images, subset.labels).accuracy)
            measured = DamageCurve(curve.kind, curve.key, tuple(accuracies), len(subset))
            self.curveMeasured.emit(self._job, measured)

    def _check(self) -> None:
        if self.isCancelRequested():
            raise Cancelled

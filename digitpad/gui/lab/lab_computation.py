"""Keeping the lab's figures up to date without ever making the window wait.
``LabComputation`` is told the model in use and the user's edits; once the
edits have settled (``SETTLE_MS`` without a change) it runs one ``LabWorker``
for the newest edits, cancelling a job that has gone stale and starting the
next when it has stopped. It remembers what does not depend on the edits —
the test digits, the unedited scores — and each damage curve for the edits
it depends on, resuming a curve where a cancelled job left it. Results for
edits the user has since changed are dropped here, so the window only ever
hears about the edits it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from digitpad.gui.common.background import BackgroundTask, MnistSource, describe_download
from digitpad.gui.lab.lab_events import (CURVE_DIGITS, CURVE_LEVELS, DamageCurve, EditedModel, LabJob, TestDigits,
                                         TestScores, curve_key)
from digitpad.gui.lab.lab_worker import LabWorker
from digitpad.inside import ModelEdits, Scores
from digitpad.nn import MLP

# Long enough for a slider drag to count as one edit, short enough to feel live.
SETTLE_MS = 200


class LabComputation(QObject):
    modelEdited = Signal(object)        # EditedModel for the edits shown
    scored = Signal(object)             # TestScores for the edits shown
    curveMeasured = Signal(object)      # DamageCurve for the edits shown (partial while measured)
    status = Signal(str)
    failed = Signal(str)

    def __init__(self, source: MnistSource | None, parent: QObject, digits: TestDigits | None = None,
                 curve_digits: int = CURVE_DIGITS, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self._source, self._digits, self._curve_digits = source, digits, curve_digits
        self._model: MLP | None = None
        self._edits = ModelEdits()
        self._before: Scores | None = None
        self._curves: dict[str, DamageCurve] = {}
        self._served: tuple[MLP, ModelEdits] | None = None     # the last request answered in full
        self._job: LabJob | None = None
        self._job_cancelled = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(settle_ms)
        self._timer.timeout.connect(self._start_next)
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._job_ended)

    def hasTestDigits(self) -> bool:
        """Whether the test set can be scored (it is loaded, or can be)."""
        return self._digits is not None or self._source is not None

    def setModel(self, model: MLP, edits: ModelEdits = ModelEdits()) -> None:
        """Work on ``model`` from now on (what was known of the old one is dropped), at once."""
        self._model, self._edits = model, edits
        self._before, self._curves = None, {}
        self._timer.stop()
        self._start_next()

    def setEdits(self, edits: ModelEdits) -> None:
        """The user's edits changed: recompute once they have settled."""
        if edits == self._edits:
            return
        self._edits = edits
        if self._task.isRunning() and not self._is_current(self._job):
            self._task.cancel()         # stale already; stopped while the user goes on editing
        self._timer.start()

    def computeNow(self) -> None:
        """Do not wait for the edits to settle."""
        self._timer.stop()
        self._start_next()

    def isBusy(self) -> bool:
        """Whether anything is still to come for the edits shown."""
        if self._model is None:
            return False                # stopped for good
        return self._task.isRunning() or self._timer.isActive() or self._served != (self._model, self._edits)

    def curve(self, kind: str) -> DamageCurve | None:
        return self._curves.get(kind)

    def stopAndWait(self) -> None:
        """Stop all work now, waiting for it (for closing the window)."""
        self._timer.stop()
        self._model = None
        self._task.stopAndWait()

    @Slot()
    def _start_next(self) -> None:
        if self._task.isRunning():
            if not self._is_current(self._job):
                self._task.cancel()     # ``_job_ended`` starts the next one
            return
        if self._model is None or self._served == (self._model, self._edits):
            return
        job = LabJob(self._model, self._edits, self._digits, self._before, self._missing_curves(),
                     self._curve_digits)
        worker = LabWorker(job, self._source)
        # Slots of this object: the results arrive on the GUI thread.
        worker.digitsLoaded.connect(self._digits_loaded)
        worker.modelEdited.connect(self._model_edited)
        worker.scored.connect(self._scored)
        worker.curveMeasured.connect(self._curve_measured)
        worker.status.connect(self.status)
        worker.downloadProgress.connect(self._downloading)
        worker.failed.connect(self.failed)
        worker.cancelled.connect(self._cancelled)
        self._job, self._job_cancelled = job, False
        self._task.start(worker)

    def _missing_curves(self) -> tuple[DamageCurve, ...]:
        if not self.hasTestDigits():
            return ()
        missing = []
        for kind in CURVE_LEVELS:
            key = curve_key(kind, self._edits)
            known = self._curves.get(kind)
            if known is None or known.key != key:
                missing.append(DamageCurve(kind, key, (), self._curve_digits))
            elif not known.complete:
                missing.append(known)
        return tuple(missing)

    def _is_current(self, job: LabJob) -> bool:
        return job.model is self._model and job.edits == self._edits

    @Slot(object)
    def _digits_loaded(self, digits: TestDigits) -> None:
        self._digits = digits

    @Slot(object)
    def _model_edited(self, event: EditedModel) -> None:
        if self._is_current(event.job):
            self.modelEdited.emit(event)

    @Slot(object)
    def _scored(self, event: TestScores) -> None:
        if event.job.model is self._model:
            self._before = event.before
        if self._is_current(event.job):
            self.scored.emit(event)

    @Slot(object, object)
    def _curve_measured(self, job: LabJob, curve: DamageCurve) -> None:
        if job.model is not self._model or curve.key != curve_key(curve.kind, self._edits):
            return
        self._curves[curve.kind] = curve
        self.curveMeasured.emit(curve)

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self.status.emit(describe_download(name, done, total))

    @Slot()
    def _cancelled(self) -> None:
        self._job_cancelled = True

    @Slot()
    def _job_ended(self) -> None:
        job, self._job = self._job, None
        if job is not None and not self._job_cancelled:
            self._served = (job.model, job.edits)
        # While the edits are still changing the timer starts the next job.
        if self._model is not None and not self._timer.isActive():
            self._start_next()

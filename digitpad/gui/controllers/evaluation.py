"""Model → Evaluate on MNIST test set, and the predictions on the test set
that the misclassified-digits browser needs: the model in use is scored on
the 10,000 test digits in the background (``EvaluationWorker``) behind a
progress dialog with Cancel, and the predictions are kept in the session
until the model changes, so asking again is instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.background import BackgroundTask, describe_download
from digitpad.gui.common.messages import choose
from digitpad.gui.common.mnist_prompt import find_mnist
from digitpad.gui.controllers.base import Controller
from digitpad.gui.evaluation.evaluation_worker import EvaluationWorker
from digitpad.gui.settings import AppSettings
from digitpad.model.calibration import expected_calibration_error
from digitpad.session import Session

if TYPE_CHECKING:
    from digitpad.train.report import DigitPredictions


class TestSetEvaluation(Controller):
    mistakesRequested = Signal(object)      # DigitPredictions: the user asked to browse the mistakes

    def __init__(self, window: QWidget, session: Session, settings: AppSettings, paths: AppPaths) -> None:
        super().__init__(window)
        self._session, self._settings, self._paths = session, settings, paths
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._job_ended)
        self._progress: QProgressDialog | None = None
        self._then = None

    def isRunning(self) -> bool:
        return self._task.isRunning()

    def withTestPredictions(self, then: Callable[[DigitPredictions], None]) -> None:
        """Call ``then(predictions)`` once the model's test-set predictions are
        ready: at once when they are known, else after scoring the model in
        the background (not at all if the user cancels or it fails)."""
        if self._session.test_predictions is not None:
            then(self._session.test_predictions)
            return
        if self._task.isRunning():
            # Scoring is under way: this caller is answered with everyone else.
            self._then[1].append(then)
            return
        source = find_mnist(self._window, self._settings, self._paths.mnist_cache_dir)
        if source is None:
            return
        model = self._session.model
        worker = EvaluationWorker(model, source)
        self._progress = QProgressDialog("Scoring the model on the 10,000 MNIST test digits…", "Cancel",
                                         0, 0, self._window)
        self._progress.setWindowTitle("digitpad")
        self._progress.setMinimumDuration(300)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.canceled.connect(self._task.cancel)
        self._then = (model, [then])
        # Slots of this object, so the results arrive on the GUI thread.
        worker.downloadProgress.connect(self._downloading)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        self._task.start(worker)

    @Slot()
    def evaluate(self) -> None:
        """Score the model in use and show how it did."""
        self.withTestPredictions(self._show_score)

    def _show_score(self, predictions: DigitPredictions) -> None:
        wrong = int((predictions.predictions != predictions.labels).sum())
        ece = expected_calibration_error(predictions.probabilities, predictions.labels)
        show_mistakes = 0
        answer = choose(self._window, QMessageBox.Icon.Information, "Evaluation",
                        f"<b>{predictions.accuracy * 100:.2f}%</b> of the {len(predictions.labels):,} "
                        f"MNIST test digits recognised correctly ({wrong} mistakes).<br>Its confidence is "
                        f"off by {ece:.1%} on average (expected calibration error; Model info → Confidence "
                        "shows the reliability diagram).",
                        [("Show mistakes…", QMessageBox.ButtonRole.ActionRole)],
                        QMessageBox.StandardButton.Close, rich=True)
        if answer == show_mistakes:
            self.mistakesRequested.emit(predictions)

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self._progress.setLabelText(describe_download(name, done, total))
        if total > 0:
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))

    @Slot(object)
    def _succeeded(self, predictions: DigitPredictions) -> None:
        model, waiting = self._then
        # A result for a model no longer in use is dropped.
        if self._session.set_test_predictions(model, predictions):
            for then in waiting:
                then(predictions)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.failed.emit("Cannot evaluate", message)

    @Slot()
    def _job_ended(self) -> None:
        self._progress.reset()
        self._progress.deleteLater()
        self._progress = None
        self._then = None

    def stopAndWait(self) -> None:
        self._task.stopAndWait()

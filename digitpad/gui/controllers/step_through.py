"""Model → Step through a digit: one step-through window at a time, kept up
to date with the drawing — every reading of the canvas hands it the 28 × 28
image the network saw — and given the MNIST test digits when it asks, from
the model's test-set predictions (scored once in the background and kept in
the session, as for the misclassified-digits browser).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot

from digitpad.gui.controllers.base import FollowingDialogController

if TYPE_CHECKING:
    from digitpad.train.report import DigitPredictions


class StepThroughController(FollowingDialogController):
    @Slot()
    def show(self) -> None:
        """Open the step-through (or bring it forward), following the drawing as it is now."""
        from digitpad.gui.stepping.step_dialog import StepThroughDialog

        if self._dialog is None:
            dialog = StepThroughDialog(self._session, self._window)
            dialog.testDigitsNeeded.connect(self._fetch_test_digits)
            self._adopt(dialog)
            self._drawing_read()
        self._present()

    def _show_drawing(self, dialog, recognition) -> None:
        dialog.showDrawing(None if recognition is None else recognition.mnist_image)

    @Slot()
    def _fetch_test_digits(self) -> None:
        delivered = []
        self._evaluation.withTestPredictions(lambda predictions: self._deliver(predictions, delivered))
        # Neither given nor on its way: the user declined to fetch MNIST.
        if not delivered and not self._evaluation.isRunning() and self._dialog is not None:
            self._dialog.testDigitsUnavailable()

    def _deliver(self, predictions: "DigitPredictions", delivered: list) -> None:
        delivered.append(True)
        if self._dialog is not None:
            self._dialog.setTestDigits(predictions)

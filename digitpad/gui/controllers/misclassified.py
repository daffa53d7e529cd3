"""Model → Misclassified examples: the browser of the test digits the model
gets wrong, opened once the model's test-set predictions are ready (one
browser at a time); a digit chosen in it goes out by ``loadDigit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.controllers.base import DialogController
from digitpad.gui.controllers.evaluation import TestSetEvaluation
from digitpad.session import Session

if TYPE_CHECKING:
    from digitpad.train.report import DigitPredictions


class MisclassifiedController(DialogController):
    loadDigit = Signal(object)      # (28, 28) float32 in [0, 1]: a test digit to put on the canvas

    def __init__(self, window: QWidget, session: Session, evaluation: TestSetEvaluation) -> None:
        super().__init__(window)
        self._session, self._evaluation = session, evaluation

    @Slot()
    def show(self) -> None:
        self._evaluation.withTestPredictions(self.open)

    @Slot(object)
    def open(self, predictions: "DigitPredictions") -> None:
        """Browse the mistakes in ``predictions`` (replacing a browser already open)."""
        from digitpad.gui.evaluation.misclassified_dialog import MisclassifiedDialog

        if self._dialog is not None:
            self._dialog.close()
        dialog = MisclassifiedDialog(predictions, self._session.model_path.name, self._window)
        dialog.loadDigit.connect(self.loadDigit)
        self._adopt(dialog).show()

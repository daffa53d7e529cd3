"""View → Point map: one point map at a time, opened once the model's
test-set predictions are ready (scored once in the background and kept in
the session, as for the misclassified digits), following the drawing on
the canvas with every reading, and given new predictions when the model
changes. A test digit chosen on the map goes out by ``loadDigit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot

from digitpad.gui.controllers.base import FollowingDialogController
from digitpad.inside import network_layers

if TYPE_CHECKING:
    from digitpad.train.report import DigitPredictions


class PointMapController(FollowingDialogController):
    loadDigit = Signal(object)      # (28, 28) float32 in [0, 1]: a test digit to put on the canvas

    @Slot()
    def show(self) -> None:
        """Open the point map (or bring it forward)."""
        if self._dialog is not None:
            self._present()
            return
        try:
            network_layers(self._session.model)
        except ValueError as error:         # a network of a shape the map does not explain
            self.failed.emit("Point map", f"The point map cannot show this network: {error}")
            return
        self._evaluation.withTestPredictions(self.open)

    @Slot(object)
    def open(self, predictions: "DigitPredictions", depth: int = 2) -> None:
        """Open the map of ``predictions``' test digits at ``depth`` (or bring it forward)."""
        from digitpad.gui.pointmap.point_map_dialog import PointMapDialog

        if self._dialog is None:
            dialog = PointMapDialog(self._session, predictions, self._window, depth)
            dialog.loadDigit.connect(self.loadDigit)
            dialog.predictionsNeeded.connect(self._fetch_predictions)
            self._adopt(dialog)
            self._drawing_read()
        self._present()

    def _show_drawing(self, dialog, recognition) -> None:
        dialog.showDrawing(recognition)

    @Slot()
    def _fetch_predictions(self) -> None:
        self._evaluation.withTestPredictions(self._deliver)

    def _deliver(self, predictions: "DigitPredictions") -> None:
        if self._dialog is not None and predictions is self._session.test_predictions:
            self._dialog.setPredictions(predictions)

    def stopAndWait(self) -> None:
        if self._dialog is not None:
            self._dialog.stopAndWait()

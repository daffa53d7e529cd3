"""Model → Lab: change the real network and see what happens. On the left,
the edits — one unit at a time (``UnitEditor``) and the whole network
(``NetworkEditor``); on the right, their effect on the drawing in the main
window (the model in use and the edited network side by side, following
the pen), on the MNIST test set (accuracy, loss and mean confidence before
→ after) and on the damage curves. The figures are computed in the
background by ``LabComputation`` once the edits settle. Reset goes back to
the model in use; "Use this model" saves the edited network with its edits
recorded and makes it the model in use (``useModel``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from digitpad.gui.common.background import MnistSource
from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.common.messages import escape, warn
from digitpad.gui.common.observe import observe
from digitpad.gui.common.screen_fit import fit_to_screen
from digitpad.gui.lab import lab_texts as texts
from digitpad.gui.lab.damage_plots import DamagePlots
from digitpad.gui.lab.drawing_effect import DrawingEffect
from digitpad.gui.lab.edited_checkpoint import save_edited_model
from digitpad.gui.lab.lab_computation import LabComputation
from digitpad.gui.lab.lab_events import (CURVE_DIGITS, CURVE_LEVELS, DamageCurve, EditedModel, LabJob, TestDigits,
                                         TestScores, curve_key)
from digitpad.gui.lab.network_editor import NetworkEditor
from digitpad.gui.lab.test_scores_panel import TestScoresPanel
from digitpad.gui.lab.unit_editor import UnitEditor
from digitpad.inside import ModelEdits, edit_model, network_layers, trace
from digitpad.model.checkpoint import CheckpointError
from digitpad.session import Session

# What the lab asks for on a large screen; on a smaller one, what fits.
PREFERRED_SIZE = QSize(1180, 680)
LEFT_COLUMN_WIDTH = 330


def _unedited(model) -> EditedModel:
    """The edited network for no edits at all: the model itself."""
    return EditedModel(LabJob(model, ModelEdits()), model)


class LabDialog(QDialog):
    useModel = Signal(str)          # the saved, edited checkpoint to switch to

    def __init__(self, session: Session, live_recognition, source: MnistSource | None, edited_dir: Path,
                 parent: QWidget | None = None, test_digits: TestDigits | None = None,
                 curve_digits: int = CURVE_DIGITS) -> None:
        super().__init__(parent)
        self.setObjectName("labDialog")
        self._session, self._live, self._edited_dir = session, live_recognition, Path(edited_dir)
        self._original = session.model
        self._edits = ModelEdits()
        self._edited = _unedited(self._original)        # for the edits shown, once made
        self._scores: TestScores | None = None
        self._image: np.ndarray | None = None
        self._edited_at = time.monotonic()
        self.lastResponseSeconds: float | None = None           # from the last edit to its test figures
        self.computation = LabComputation(source, self, test_digits, curve_digits)
        self._build(curve_digits)
        self._connect()
        self._show_title()
        recognition = live_recognition.recognition()
        self._image = None if recognition is None else recognition.mnist_image
        self._edits_changed()
        self._show_drawing()
        self.computation.setModel(self._original)
        if not self.computation.hasTestDigits():
            self.testScores.setStatus("The MNIST test digits are not on this computer, so only your drawing "
                                      "shows the effect of your edits.")
        fit_to_screen(self, PREFERRED_SIZE)

    # -- composition -----------------------------------------------------------------
    def _build(self, curve_digits: int) -> None:
        intro = explain(QLabel(texts.INTRO), "What the lab is for", texts.INTRO)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.unitEditor = UnitEditor(network_layers(self._original))
        self.networkEditor = NetworkEditor()
        self.drawingEffect = DrawingEffect()
        self.testScores = TestScoresPanel()
        self.damagePlots = explain(DamagePlots(curve_digits), "How accuracy falls as the damage grows",
                                   "Two damage curves: pruning and noise. Hover over or click one for how to "
                                   "read it.")
        self.summaryLabel = explain(QLabel(), "Your edits in words", texts.SUMMARY)
        self.summaryLabel.setObjectName("editsSummary")
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setTextFormat(Qt.TextFormat.RichText)
        self.resetButton = explained_button("Reset", self.reset, "Undo every edit: back to the model in use",
                                            texts.RESET)
        self.useButton = explained_button("Use this model", self.useEditedModel,
                                          "Save the edited network and make it the model in use", texts.USE)
        self.useButton.setObjectName("useEditedModel")
        close = explained_button("Close", self.close, "Close the lab; the model in use stays as it is",
                                 "Closes the lab. Work in the background stops; the model in use is "
                                 "unchanged unless you pressed Use this model.")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        body = QHBoxLayout()
        body.addWidget(self._left_column(), 0)
        body.addLayout(self._right_column(), 1)
        layout.addLayout(body, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summaryLabel, 1)
        for button in (self.resetButton, self.useButton, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def _left_column(self) -> QScrollArea:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.unitEditor, 1)
        layout.addWidget(self.networkEditor)
        # On a low screen the controls scroll rather than squeeze.
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(LEFT_COLUMN_WIDTH)
        return scroll

    def _right_column(self) -> QVBoxLayout:
        top = QHBoxLayout()
        top.addWidget(self.drawingEffect, 3)
        top.addWidget(self.testScores, 2)
        column = QVBoxLayout()
        column.addLayout(top, 1)
        column.addWidget(self.damagePlots, 1)
        return column

    def _connect(self) -> None:
        self.unitEditor.changed.connect(self._edits_changed)
        self.networkEditor.changed.connect(self._edits_changed)
        self.computation.modelEdited.connect(self._model_edited)
        self.computation.scored.connect(self._scored)
        self.computation.curveMeasured.connect(self._curve_measured)
        self.computation.status.connect(self.testScores.setStatus)
        self.computation.failed.connect(self._failed)
        self._live.recognised.connect(self._recognised)
        observe(self, self._session.model_changed, self._model_changed)

    def _show_title(self) -> None:
        self.setWindowTitle(f"Lab — {self._session.model_path.name}")

    # -- the edits --------------------------------------------------------------------
    def edits(self) -> ModelEdits:
        """The edits shown."""
        return self._edits

    def setEdits(self, edits: ModelEdits) -> None:
        """Show ``edits`` in the controls and work them out, as if the user had made them."""
        self.unitEditor.setChanges(edits.units_off, edits.bias_shifts, edits.weight_scales)
        self.networkEditor.setValues(edits.prune_fraction, edits.noise, edits.noise_seed, edits.temperature)
        self._edits_changed()

    @Slot()
    def reset(self) -> None:
        self.setEdits(ModelEdits())

    @Slot()
    def _edits_changed(self) -> None:
        units_off, bias_shifts, weight_scales = self.unitEditor.changes()
        edits = ModelEdits(units_off, bias_shifts, weight_scales, **self.networkEditor.values())
        lines = texts.summarise(edits)
        self.summaryLabel.setText("<b>Edits:</b> " + (escape(" · ".join(lines)) if lines else
                                                       "none yet — the edited network is the model in use"))
        self.resetButton.setEnabled(not edits.is_identity)
        self.useButton.setEnabled(not edits.is_identity)
        if edits == self._edits:
            return
        self._edits = edits
        self._edited_at = time.monotonic()
        self.testScores.setStale(True)
        self.damagePlots.setSettings(edits.prune_fraction, edits.noise, None)
        for kind in CURVE_LEVELS:
            shown = self.damagePlots.curve(kind)
            if shown is not None and shown.key != curve_key(kind, edits):
                self.damagePlots.setStale(kind)
        self.computation.setEdits(edits)

    # -- results ----------------------------------------------------------------------
    @Slot(object)
    def _model_edited(self, event: EditedModel) -> None:
        self._edited = event
        self._show_drawing()

    @Slot(object)
    def _scored(self, event: TestScores) -> None:
        self._scores = event
        self.lastResponseSeconds = time.monotonic() - self._edited_at
        self.testScores.setScores(event.before, event.after)
        self.testScores.setStatus(f"{event.count:,} test digits scored" + (
            "." if event.job.edits.is_identity else f", {self.lastResponseSeconds:.1f} s after your last change."))
        self.damagePlots.setSettings(self._edits.prune_fraction, self._edits.noise, event.curve_accuracy)

    @Slot(object)
    def _curve_measured(self, curve: DamageCurve) -> None:
        self.damagePlots.setCurve(curve)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.testScores.setStatus(f"Could not compute the figures: {message}")

    # -- the drawing ------------------------------------------------------------------
    @Slot(object, int)
    def _recognised(self, number, focused: int) -> None:
        self._image = None if number is None else number.digits[focused].mnist_image
        self._show_drawing()

    def _show_drawing(self) -> None:
        if self._image is None:
            self.drawingEffect.setReading(None, None, None)
            self.unitEditor.setOutputs(None, None)
            return
        original = trace(self._original, self._image)
        edited = trace(self._edited.model, self._image)
        self.drawingEffect.setReading(self._image, original.probabilities, edited.probabilities)
        self.unitEditor.setOutputs([layer.a for layer in original.layers], [layer.a for layer in edited.layers])

    def scores(self) -> TestScores | None:
        """The test figures shown, with the edits they were computed for (``job.edits``)."""
        return self._scores

    def drawingProbabilities(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``(model in use, edited network)`` for the drawing, as shown."""
        return self.drawingEffect.bars.probabilities()

    # -- the model in use -------------------------------------------------------------
    def _model_changed(self) -> None:
        """Another model is in use (perhaps the one saved here): start again from it."""
        try:
            layers = network_layers(self._session.model)
        except ValueError as error:
            self.close()
            warn(self.parentWidget(), "Lab", f"The lab cannot change the model now in use: {error}")
            return
        self._original = self._session.model
        self._edited = _unedited(self._original)
        self._scores = None
        self._show_title()
        self.unitEditor.setLayers(layers)
        self.networkEditor.setValues()
        self._edits = ModelEdits()
        self._edits_changed()
        self.damagePlots.clearCurves()
        self.damagePlots.setSettings(0.0, 0.0, None)
        self.computation.setModel(self._original)
        self._show_drawing()

    @Slot()
    def useEditedModel(self) -> None:
        """Save the edited network in the per-user data folder and make it the model in use."""
        edits, original = self._edits, self._original
        if edits.is_identity:
            return
        model = self._edited.model if self._edited.job.edits == edits else edit_model(original, edits)
        scores = self._scores if self._scores is not None and self._scores.job.edits == edits else None
        try:
            path = save_edited_model(model, edits, self._session.model_path, self._session.metadata,
                                     self._edited_dir, None if scores is None else scores.after.accuracy)
        except (CheckpointError, OSError) as error:
            warn(self, "Use this model", f"The edited network could not be saved.\n\n{error}")
            return
        self.useModel.emit(str(path))
        in_use = self._session.model is not original
        self.summaryLabel.setText(f"Saved as <b>{escape(path.name)}</b>" + (
            " and now in use: its edits are part of it, and Reset comes back to it." if in_use else
            ", but it could not be made the model in use."))

    # -- closing ----------------------------------------------------------------------
    def isBusy(self) -> bool:
        """Whether figures for the edits shown are still to come."""
        return self.computation.isBusy()

    def stopAndWait(self) -> None:
        self.computation.stopAndWait()

    def done(self, result: int) -> None:
        # Esc ends a dialog without a close event, and deletes it: stop the work first.
        self.stopAndWait()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stopAndWait()
        super().closeEvent(event)

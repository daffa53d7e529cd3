"""View → Point map: the MNIST test digits as points, at the layer, by the
method and in the number the learner chooses (``MapControls``), made in
the background (``MapWorker``, with progress and Cancel; maps already made
for this model come back at once), with the legend, the card of the digit
under the pointer and the drawing on the canvas as a live star. The
model's guesses (for the colours of mistakes and the card) are the test
predictions kept in the session; when the model changes the map is
dropped and new predictions are asked for (``predictionsNeeded``).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from digitpad.data.mnist import as_float_images
from digitpad.gui.common.background import BackgroundTask
from digitpad.gui.common.explain import explain, explained_button, now
from digitpad.gui.common.messages import escape
from digitpad.gui.common.observe import observe
from digitpad.gui.common.screen_fit import fit_to_screen
from digitpad.gui.pointmap import texts
from digitpad.gui.pointmap.digit_legend import DigitLegend
from digitpad.gui.pointmap.map_controls import TEST_DIGITS, MapControls
from digitpad.gui.pointmap.map_plot import MapPlot
from digitpad.gui.pointmap.map_worker import MapJob, MapWorker
from digitpad.gui.pointmap.point_card import PointCard
from digitpad.inside import network_layers
from digitpad.inside.point_map import (PointMap, place, representation, representation_names, sample_indices,
                                       tsne_available)
from digitpad.session import Session

PREFERRED_SIZE = QSize(1120, 680)
SIDE_WIDTH = 270
KEPT_MAPS = 6           # maps kept for going back to (each holds its digits' numbers: up to 40 MB)


class PointMapDialog(QDialog):
    loadDigit = Signal(object)          # (28, 28) float32 in [0, 1]: a test digit for the canvas
    predictionsNeeded = Signal()        # the model changed: its test-set predictions are wanted

    def __init__(self, session: Session, predictions, parent: QWidget | None = None, depth: int = 2) -> None:
        super().__init__(parent)
        self.setObjectName("pointMapDialog")
        self.setWindowTitle(f"Point map — {session.model_path.name}")
        self._session = session
        self._maps: OrderedDict[tuple, PointMap] = OrderedDict()
        self._map: PointMap | None = None
        self._wanted: MapJob | None = None
        self._pinned: int | None = None
        self._recognition = None
        self._failure: str | None = None
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._job_ended)
        self._build()
        observe(self, session.model_changed, self._model_changed)
        self.setPredictions(predictions, depth)
        fit_to_screen(self, PREFERRED_SIZE)

    # -- composition -------------------------------------------------------------------
    def _build(self) -> None:
        intro = explain(QLabel(texts.INTRO), "What the point map shows", texts.INTRO_HELP)
        intro.setWordWrap(True)
        self.controls = MapControls(tsne_available(), texts.TSNE_TIMING)
        self.progressBar = explain(QProgressBar(), texts.PROGRESS_TIP, texts.PROGRESS_HELP)
        self.progressBar.setRange(0, 100)
        self.progressBar.setFixedWidth(200)
        self.cancelButton = explained_button("Cancel", self.cancel, texts.CANCEL_TIP, texts.CANCEL_HELP)
        self.cancelButton.setObjectName("cancelPointMap")
        top = QHBoxLayout()
        top.addWidget(self.controls, 1)
        top.addWidget(self.progressBar)
        top.addWidget(self.cancelButton)
        self.mapPlot = MapPlot()
        body = QHBoxLayout()
        body.addWidget(self.mapPlot, 1)
        body.addWidget(self._side_panel())
        self.captionLabel = explain(QLabel(), texts.CAPTION_TIP, texts.CAPTION_HELP)
        self.captionLabel.setObjectName("pointMapCaption")
        self.captionLabel.setWordWrap(True)
        self.captionLabel.setTextFormat(Qt.TextFormat.RichText)
        close = explained_button("Close", self.close, texts.CLOSE_TIP, texts.CLOSE_HELP)
        bottom = QHBoxLayout()
        bottom.addWidget(self.captionLabel, 1)
        bottom.addWidget(close, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self.controls.changed.connect(self._request)
        self.legend.digitPicked.connect(self.mapPlot.pickDigit)
        self.mapPlot.pointHovered.connect(self._hovered)
        self.mapPlot.pointClicked.connect(self._clicked)
        self.mapPlot.pointDoubleClicked.connect(self._double_clicked)
        self.card.loadRequested.connect(self._load_card)
        self._show_busy(False)

    def _side_panel(self) -> QWidget:
        self.legend = explain(DigitLegend(), texts.LEGEND_TIP, texts.LEGEND_HELP)
        self.card = PointCard()
        self.drawingLabel = explain(QLabel(), texts.DRAWING_TIP, texts.DRAWING_HELP)
        self.drawingLabel.setObjectName("pointMapDrawing")
        self.drawingLabel.setWordWrap(True)
        self.drawingLabel.setTextFormat(Qt.TextFormat.RichText)
        self.drawingLabel.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.howLabel = explain(QLabel(), texts.HOW_TIP, texts.INTRO_HELP)
        self.howLabel.setObjectName("pointMapHowToRead")
        self.howLabel.setWordWrap(True)
        self.howLabel.setTextFormat(Qt.TextFormat.RichText)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addSpacing(6)
        layout.addWidget(self.card)
        layout.addSpacing(6)
        layout.addWidget(self.drawingLabel)
        layout.addStretch(1)
        layout.addWidget(self.howLabel)
        panel.setFixedWidth(SIDE_WIDTH)
        return panel

    # -- the digits and the model ----------------------------------------------------------
    def setPredictions(self, predictions, depth: int | None = None) -> None:
        """Map the test digits of ``predictions`` (a ``DigitPredictions`` of the
        session's model), at ``depth`` (else the layer chosen now)."""
        self._model = self._session.model
        self._predictions = predictions
        self._images = as_float_images(predictions.images).reshape(len(predictions.images), -1)
        self._predicted = predictions.probabilities.argmax(axis=1)
        layers = network_layers(self._model)
        widths = [self._images.shape[1]] + [layer.units for layer in layers]
        self.controls.setLayers(representation_names(self._model), widths,
                                self.controls.depth() if depth is None else depth)
        self._request()

    def _model_changed(self) -> None:
        self._task.cancel()
        self._wanted = None
        self._maps.clear()
        # No map of the old model may come back: a late answer is dropped by ``_made``.
        self._model, self._map, self._predictions, self._pinned = None, None, None, None
        self.mapPlot.clearMap()
        self.card.showNothing()
        self.setWindowTitle(f"Point map — {self._session.model_path.name}")
        self.captionLabel.setText("The model changed: its guesses on the test digits are being worked out "
                                  "first…")
        self._place_drawing()
        self.predictionsNeeded.emit()

    # -- making maps -----------------------------------------------------------------------
    def currentJob(self) -> MapJob | None:
        if self._predictions is None:
            return None
        return MapJob(self._model, self.controls.depth(), self.controls.method(), self.controls.count())

    @Slot()
    def _request(self) -> None:
        job = self.currentJob()
        if job is None:
            return
        if job.key() in self._maps:
            self._maps.move_to_end(job.key())
            self._wanted = None
            self._task.cancel()
            self._show_map(self._maps[job.key()])
            return
        self._wanted = job
        if self._task.isRunning():
            self._task.cancel()         # the wanted map starts when it has stopped
        else:
            self._start(job)

    def _start(self, job: MapJob) -> None:
        self._wanted, self._failure = None, None
        indices = sample_indices(len(self._images), job.count)
        worker = MapWorker(job, self._images, indices)
        worker.progressed.connect(self.progressBar.setValue)
        worker.succeeded.connect(self._made)
        worker.failed.connect(self._failed)
        self.progressBar.setValue(0)
        self._show_busy(True, job)
        self._task.start(worker)

    def isBusy(self) -> bool:
        return self._task.isRunning() or self._wanted is not None

    @Slot()
    def cancel(self) -> None:
        self._wanted = None
        self._task.cancel()

    @Slot(object, object)
    def _made(self, job: MapJob, point_map: PointMap) -> None:
        if job.model is not self._model:
            return
        self._maps[job.key()] = point_map
        while len(self._maps) > KEPT_MAPS:
            self._maps.popitem(last=False)
        current = self.currentJob()
        if current is not None and current.key() == job.key():
            self._show_map(point_map)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._failure = message

    @Slot()
    def _job_ended(self) -> None:
        if self._wanted is not None:
            self._start(self._wanted)
            return
        self._show_busy(False)
        shown = self._map
        if shown is None:
            if self._predictions is not None:
                self.captionLabel.setText(self._failure_words() or "No map yet: choose a layer, a method and a "
                                          "number of digits.")
            return
        current = self.currentJob()
        if current is None or current.key() != (id(self._model), shown.depth, shown.method, len(shown.indices)):
            # Cancelled or failed: the choices go back to the map still shown.
            self.controls.choose(shown.depth, shown.method, len(shown.indices), announce=False)
            self._describe(shown, self._failure_words())

    def _failure_words(self) -> str:
        return "" if self._failure is None else f"The map could not be made: {escape(self._failure)} "

    def _show_busy(self, busy: bool, job: MapJob | None = None) -> None:
        self.progressBar.setVisible(busy)
        self.cancelButton.setVisible(busy)
        if busy:
            what = texts.METHOD_NAMES[job.method]
            self.progressBar.setFormat(f"{what}: %p%")
            self.captionLabel.setText(texts.making(job.method, self.controls.depthName(), job.count,
                                                   self._map is not None))
            explain(self.progressBar, texts.PROGRESS_TIP,
                    now(texts.PROGRESS_HELP, f"making the {what} map of {job.count:,} digits."))

    # -- showing a map ---------------------------------------------------------------------
    def pointMap(self) -> PointMap | None:
        """The map shown (None while there is none)."""
        return self._map

    def _show_map(self, point_map: PointMap) -> None:
        self._map = point_map
        labels = self._predictions.labels[point_map.indices]
        predicted = self._predicted[point_map.indices]
        variance = None if point_map.pca is None else point_map.pca.variance_ratio
        self.mapPlot.setMap(point_map.positions, labels, predicted, point_map.method, variance)
        self.mapPlot.pickDigit(self.legend.picked())
        self._pinned = None
        self.card.showNothing()
        self._describe(point_map)
        self._place_drawing()

    def _describe(self, point_map: PointMap, prefix: str = "") -> None:
        """Say what ``point_map`` shows: the caption, the map's and the side text's explanations."""
        labels = self._predictions.labels[point_map.indices]
        wrong = int((labels != self._predicted[point_map.indices]).sum())
        name = representation_names(self._model)[point_map.depth]
        variance = None if point_map.pca is None else point_map.pca.variance_ratio
        self.captionLabel.setText(prefix + texts.caption(point_map.method, name, point_map.features.shape[1],
                                                         len(labels), TEST_DIGITS, wrong, point_map.seconds,
                                                         variance))
        for widget in (self.mapPlot, self.mapPlot.plot):
            explain(widget, texts.MAP_TIP, texts.map_help(point_map.method, name, len(labels), wrong))
        explain(self.captionLabel, texts.CAPTION_TIP, now(texts.CAPTION_HELP, self.captionLabel.text()))
        self.howLabel.setText(texts.HOW_TO_READ[point_map.method])
        explain(self.howLabel, texts.HOW_TIP, f"<p>{texts.IN_WORDS[point_map.method]}</p>")

    @Slot(int)
    def _hovered(self, row: int) -> None:
        shown = row if row >= 0 else self._pinned
        self.mapPlot.setMarked(shown)
        if shown is None:
            self.card.showNothing()
            self.mapPlot.setPointerText(texts.MAP_TIP)
            return
        test_index = int(self._map.indices[shown])
        self._show_card(test_index)
        if row >= 0:
            self.mapPlot.setPointerText(texts.digit_card(test_index, int(self._predictions.labels[test_index]),
                                                         self._predictions.probabilities[test_index]))

    def _show_card(self, test_index: int) -> None:
        self.card.showDigit(test_index, int(self._predictions.labels[test_index]),
                            self._predictions.probabilities[test_index], self._image(test_index))

    @Slot(int)
    def _clicked(self, row: int) -> None:
        self._pinned = row
        self._hovered(row)

    @Slot(int)
    def _double_clicked(self, row: int) -> None:
        self._clicked(row)
        self._load_card()

    def _load_card(self) -> None:
        if self.card.testIndex() is not None:
            self.loadDigit.emit(self._image(self.card.testIndex()))

    def _image(self, test_index: int) -> np.ndarray:
        return self._images[test_index].reshape(28, 28)

    # -- the drawing -----------------------------------------------------------------------
    def showDrawing(self, recognition) -> None:
        """The digit read on the canvas now (a ``Recognition``), or None."""
        self._recognition = recognition
        self._place_drawing()

    def _place_drawing(self) -> None:
        recognition, point_map = self._recognition, self._map
        usable = recognition is not None and point_map is not None and self._session.model is self._model
        off_map = False
        if usable:
            features = representation(self._model, recognition.mnist_image, point_map.depth)
            off_map = self.mapPlot.setDrawing(place(point_map, features))
        else:
            self.mapPlot.setDrawing(None)
        method = None if point_map is None else point_map.method
        words = texts.drawing_text(None if recognition is None else recognition.probabilities, method, off_map)
        self.drawingLabel.setText(words)
        explain(self.drawingLabel, texts.DRAWING_TIP, now(texts.DRAWING_HELP, words))

    def stopAndWait(self) -> None:
        self._wanted = None
        self._task.stopAndWait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stopAndWait()
        super().closeEvent(event)

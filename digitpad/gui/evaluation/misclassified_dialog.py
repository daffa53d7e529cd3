"""Model → Misclassified examples: a grid of the MNIST test digits the model
gets wrong, with their true and predicted digits and the model's confidence,
most confident mistakes first. The grid can be filtered by true or predicted
digit, or by clicking a cell of the confusion matrix; selecting a digit shows
its probability bars, and "Load into canvas" puts it on the drawing canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QListView, QPushButton, QSplitter, QVBoxLayout, QWidget)

from digitpad.data.mnist import as_float_images
from digitpad.gui.evaluation.confusion_matrix_view import ConfusionMatrixView
from digitpad.gui.window.input_preview import InputPreview
from digitpad.gui.window.probability_bars import ProbabilityBars
from digitpad.gui.common.thumbnails import THUMBNAIL, digit_icon
from digitpad.train.report import DigitPredictions

ANY = "Any"


class MisclassifiedModel(QAbstractListModel):
    """The filtered list of wrong test digits; thumbnails are made on demand."""

    def __init__(self, predictions: DigitPredictions, parent=None) -> None:
        super().__init__(parent)
        self._predictions = predictions
        self._predicted = predictions.predictions
        self._indices = predictions.misclassified()
        self._thumbnails: dict[int, QIcon] = {}

    def setFilter(self, true_digit: int | None, predicted_digit: int | None) -> None:
        self.beginResetModel()
        self._indices = self._predictions.misclassified(true_digit, predicted_digit)
        self.endResetModel()

    def testIndex(self, row: int) -> int:
        return int(self._indices[row])

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._indices)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        test_index = int(self._indices[index.row()])
        label = int(self._predictions.labels[test_index])
        predicted = int(self._predicted[test_index])
        confidence = float(self._predictions.probabilities[test_index, predicted])
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{label} → {predicted}\n{confidence * 100:.0f}%"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(test_index)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"Test digit #{test_index}: written as {label}, "
                    f"recognised as {predicted} ({confidence * 100:.1f}%)")
        if role == Qt.ItemDataRole.UserRole:
            return test_index
        return None

    def _thumbnail(self, test_index: int) -> QIcon:
        icon = self._thumbnails.get(test_index)
        if icon is None:
            icon = self._thumbnails[test_index] = digit_icon(self._predictions.images[test_index])
        return icon


class MisclassifiedDialog(QDialog):
    loadDigit = Signal(object)      # (28, 28) float32 in [0, 1]

    def __init__(self, predictions: DigitPredictions, model_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("misclassifiedDialog")
        self.setWindowTitle(f"Misclassified test digits — {model_name}")
        self._predictions = predictions
        self._current: int | None = None
        wrong = int((predictions.predictions != predictions.labels).sum())
        summary = QLabel(f"<b>{wrong}</b> of the {len(predictions.labels):,} MNIST test digits are "
                         f"misclassified ({predictions.accuracy * 100:.2f}% correct). "
                         "Most confident mistakes first.")
        summary.setObjectName("summary")
        filters = self._build_filters()         # first: the focus moves through widgets in creation order
        splitter = QSplitter()
        splitter.addWidget(self._build_matrix_panel())
        splitter.addWidget(self._build_grid())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 520])
        body = QHBoxLayout()
        body.addWidget(splitter, 1)
        body.addWidget(self._build_detail_panel())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(filters)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(1180, 640)
        self.trueFilter.currentIndexChanged.connect(self._filters_changed)
        self.predictedFilter.currentIndexChanged.connect(self._filters_changed)
        self._filters_changed()

    def _build_filters(self) -> QHBoxLayout:
        self.trueFilter = self._digit_combo("trueDigitFilter", "Show only mistakes on digits written as this")
        self.predictedFilter = self._digit_combo("predictedDigitFilter",
                                                 "Show only mistakes the model read as this digit")
        show_all = QPushButton("Show all")
        show_all.setToolTip("Show every mistake again")
        show_all.setWhatsThis("Clears both filters, so the grid lists every test digit the model gets wrong.")
        show_all.clicked.connect(lambda: self.setFilter(None, None))
        self.countLabel = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Written as"))
        filters.addWidget(self.trueFilter)
        filters.addSpacing(12)
        filters.addWidget(QLabel("Recognised as"))
        filters.addWidget(self.predictedFilter)
        filters.addSpacing(12)
        filters.addWidget(show_all)
        filters.addStretch(1)
        filters.addWidget(self.countLabel)
        return filters

    def _build_matrix_panel(self) -> QWidget:
        self.confusionMatrix = ConfusionMatrixView(self._predictions.confusion_matrix())
        self.confusionMatrix.cellClicked.connect(self._cell_clicked)
        matrix_caption = QLabel("Confusion matrix (rows: written, columns: recognised)")
        matrix_caption.setWordWrap(True)
        matrix_box = QVBoxLayout()
        matrix_box.addWidget(matrix_caption)
        matrix_box.addWidget(self.confusionMatrix, 1)
        matrix_panel = QWidget()
        matrix_panel.setLayout(matrix_box)
        return matrix_panel

    def _build_grid(self) -> QListView:
        self.model = MisclassifiedModel(self._predictions, self)
        self.grid = QListView()
        self.grid.setObjectName("misclassifiedGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.grid.setGridSize(QSize(THUMBNAIL + 24, THUMBNAIL + 44))
        self.grid.setSpacing(4)
        self.grid.setWordWrap(True)
        self.grid.setModel(self.model)
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.grid.doubleClicked.connect(lambda index: self.loadSelected())
        self.grid.setToolTip("The test digits the model gets wrong: written as → recognised as, and how sure "
                             "it was.\nDouble-click one to put it on the canvas.")
        self.grid.setWhatsThis(
            "Every MNIST test digit the model misreads, the ones it was most sure about first. Under each: "
            "the digit it was written as, the digit the model read, and how sure it was. Many are hard even "
            "for people; confident mistakes on clear digits show what the model has not learnt.")
        return self.grid

    def _build_detail_panel(self) -> QWidget:
        self.detailTitle = QLabel("Select a digit")
        self.detailTitle.setWordWrap(True)
        self.detailPreview = InputPreview()
        self.detailPreview.setFixedSize(140, 140)
        self.detailPreview.setToolTip("The selected test digit, as the network sees it")
        self.detailBars = ProbabilityBars()
        self.detailBars.setCursor(Qt.CursorShape.ArrowCursor)
        self.detailBars.setToolTip("The model's probabilities for this digit")
        self.detailBars.setWhatsThis("How likely the model thought each digit was for the selected test "
                                     "digit. A close second often is the right answer.")
        self.loadButton = QPushButton("Load into canvas")
        self.loadButton.setObjectName("loadIntoCanvas")
        self.loadButton.setEnabled(False)
        self.loadButton.setToolTip("Put this digit on the drawing canvas")
        self.loadButton.setWhatsThis("Puts the selected test digit on the main window's canvas, where you can "
                                     "draw on it and watch the answer change.")
        self.loadButton.clicked.connect(self.loadSelected)
        detail = QVBoxLayout()
        detail.addWidget(self.detailTitle)
        detail.addWidget(self.detailPreview, 0, Qt.AlignmentFlag.AlignHCenter)
        detail.addWidget(self.detailBars, 1)
        detail.addWidget(self.loadButton)
        detail_panel = QWidget()
        detail_panel.setLayout(detail)
        detail_panel.setFixedWidth(250)
        return detail_panel

    @staticmethod
    def _digit_combo(name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.addItem(ANY, None)
        for digit in range(10):
            combo.addItem(str(digit), digit)
        return combo

    def setFilter(self, true_digit: int | None, predicted_digit: int | None) -> None:
        """Show only mistakes written as ``true_digit`` and recognised as ``predicted_digit``."""
        self.trueFilter.blockSignals(True)
        self.predictedFilter.blockSignals(True)
        self.trueFilter.setCurrentIndex(0 if true_digit is None else true_digit + 1)
        self.predictedFilter.setCurrentIndex(0 if predicted_digit is None else predicted_digit + 1)
        self.trueFilter.blockSignals(False)
        self.predictedFilter.blockSignals(False)
        self._filters_changed()

    @Slot(int, int)
    def _cell_clicked(self, true_digit: int, predicted_digit: int) -> None:
        # The diagonal holds correct answers: show every mistake on that digit instead.
        self.setFilter(true_digit, None if true_digit == predicted_digit else predicted_digit)

    @Slot()
    def _filters_changed(self) -> None:
        true_digit = self.trueFilter.currentData()
        predicted_digit = self.predictedFilter.currentData()
        self.model.setFilter(true_digit, predicted_digit)
        self.confusionMatrix.setSelection(true_digit, predicted_digit)
        count = self.model.rowCount()
        self.countLabel.setText(f"{count} shown")
        if count:
            self.grid.setCurrentIndex(self.model.index(0))
        else:
            self._show_detail(None)

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_detail(self.model.testIndex(current.row()) if current.isValid() else None)

    def _show_detail(self, test_index: int | None) -> None:
        self._current = test_index
        self.loadButton.setEnabled(test_index is not None)
        if test_index is None:
            self.detailTitle.setText("No digit selected")
            self.detailPreview.setImage(None)
            self.detailBars.setProbabilities(None)
            return
        probabilities = self._predictions.probabilities[test_index]
        predicted = int(probabilities.argmax())
        self.detailTitle.setText(f"<b>Test digit #{test_index}</b><br>written as "
                                 f"<b>{self._predictions.labels[test_index]}</b>, recognised as "
                                 f"<b>{predicted}</b> ({probabilities[predicted] * 100:.1f}%)")
        self.detailPreview.setImage(self._float_image(test_index))
        self.detailBars.setProbabilities(probabilities)

    def _float_image(self, test_index: int) -> np.ndarray:
        """Test digit ``test_index`` as the network reads it: ``(28, 28)`` float32 in [0, 1]."""
        return as_float_images(self._predictions.images[test_index:test_index + 1]).reshape(28, 28)

    def selectedTestIndex(self) -> int | None:
        return self._current

    @Slot()
    def loadSelected(self) -> None:
        test_index = self.selectedTestIndex()
        if test_index is not None:
            self.loadDigit.emit(self._float_image(test_index))

"""View → MNIST at a glance: the data the network learnt from, in four
panels — digits of each kind in the training and test sets (``CountBars``),
the average digit of each kind (``AverageDigits``), how bright the pixels
are (``PixelHistogram``) and random samples (``SampleGrid``, with a digit
filter and More samples; a click puts a sample on the canvas by
``loadDigit``). MNIST is read and summed up in the background
(``DataWorker``) while the panels say they are loading; a chooser picks
the set the averages, the pixels and the samples come from.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QComboBox, QDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QProgressBar,
                               QVBoxLayout, QWidget)

from digitpad.data.mnist import as_float_images
from digitpad.data.mnist.summary import random_samples
from digitpad.gui.common.background import BackgroundTask, MnistSource, describe_download
from digitpad.gui.common.explain import explain, explained_button, now
from digitpad.gui.common.messages import escape
from digitpad.gui.common.screen_fit import fit_to_screen
from digitpad.gui.dataview import texts
from digitpad.gui.dataview.average_digits import AverageDigits
from digitpad.gui.dataview.count_bars import CountBars
from digitpad.gui.dataview.data_worker import DataWorker, MnistAtAGlance
from digitpad.gui.dataview.pixel_histogram import PixelHistogram
from digitpad.gui.dataview.sample_grid import SampleGrid

PREFERRED_SIZE = QSize(1100, 680)
SAMPLES = 24


def _panel(title: str, content: QWidget, *extra: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 6, 8, 8)
    layout.addWidget(content, 1)
    if extra:
        row = QHBoxLayout()
        for widget in extra:
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
    return box


class DataViewDialog(QDialog):
    loadDigit = Signal(object)          # (28, 28) float32 in [0, 1]: a sample for the canvas

    def __init__(self, source: MnistSource | None, parent: QWidget | None = None,
                 data: MnistAtAGlance | None = None, seed: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataViewDialog")
        self.setWindowTitle("MNIST at a glance")
        self._data: MnistAtAGlance | None = None
        self._rng = np.random.default_rng(seed)
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._loading_ended)
        self._build()
        fit_to_screen(self, PREFERRED_SIZE)
        self._show_loading(False)
        if data is not None:
            self.setData(data)
        elif source is not None:
            self._load(source)

    # -- composition -------------------------------------------------------------------
    def _build(self) -> None:
        intro = explain(QLabel(texts.INTRO), "What MNIST is", texts.INTRO_HELP)
        intro.setWordWrap(True)
        self.splitCombo = QComboBox()
        self.splitCombo.setObjectName("dataViewSplit")
        for name in ("train", "test"):
            self.splitCombo.addItem(texts.SPLIT_NAMES[name].capitalize(), name)
        split_label = QLabel("Averages, pixels and samples from")
        split_label.setBuddy(self.splitCombo)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addSpacing(12)
        top.addWidget(split_label)
        top.addWidget(self.splitCombo)
        self.countBars = explain(CountBars(), texts.COUNTS_TIP, texts.COUNTS_HELP)
        self.averageDigits = explain(AverageDigits(), texts.AVERAGE_TIP, texts.AVERAGE_HELP)
        self.pixelHistogram = explain(PixelHistogram(), texts.HISTOGRAM_TIP, texts.HISTOGRAM_HELP)
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(_panel(texts.COUNTS_TITLE, self.countBars), 0, 0)
        grid.addWidget(_panel(texts.AVERAGE_TITLE, self.averageDigits), 0, 1)
        grid.addWidget(_panel(texts.HISTOGRAM_TITLE, self.pixelHistogram), 1, 0)
        grid.addWidget(self._samples_panel(), 1, 1)
        for index in range(2):
            grid.setRowStretch(index, 1)
            grid.setColumnStretch(index, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addLayout(self._bottom_row())
        self.splitCombo.currentIndexChanged.connect(self._split_changed)
        self._explain_choices()

    def _samples_panel(self) -> QGroupBox:
        self.sampleGrid = explain(SampleGrid(), texts.SAMPLES_TIP, texts.SAMPLES_HELP)
        self.sampleGrid.sampleClicked.connect(self._sample_clicked)
        self.digitCombo = QComboBox()
        self.digitCombo.setObjectName("sampleDigit")
        self.digitCombo.addItem("Any digit", None)
        for digit in range(10):
            self.digitCombo.addItem(f"Only {digit}s", digit)
        self.digitCombo.currentIndexChanged.connect(self.newSamples)
        self.moreButton = explained_button("More samples", self.newSamples, texts.MORE_TIP, texts.MORE_HELP)
        self.moreButton.setObjectName("moreSamples")
        return _panel(texts.SAMPLES_TITLE, self.sampleGrid, self.digitCombo, self.moreButton)

    def _bottom_row(self) -> QHBoxLayout:
        self.progressBar = explain(QProgressBar(), "How far MNIST is read",
                                   "Reading MNIST's 70,000 digits (downloading them first, if you allowed that).")
        self.progressBar.setRange(0, 0)
        self.progressBar.setFixedWidth(200)
        self.cancelButton = explained_button("Cancel", self._task.cancel, "Stop reading MNIST",
                                             "Stops reading MNIST; the charts stay empty.")
        self.statusLabel = explain(QLabel("Reading MNIST…"), texts.STATUS_TIP, texts.STATUS_TIP + ".")
        self.statusLabel.setObjectName("dataViewStatus")
        self.statusLabel.setWordWrap(True)
        close = explained_button("Close", self.close, texts.CLOSE_TIP, texts.CLOSE_HELP)
        row = QHBoxLayout()
        row.addWidget(self.progressBar)
        row.addWidget(self.cancelButton)
        row.addWidget(self.statusLabel, 1)
        row.addWidget(close)
        return row

    # -- loading -------------------------------------------------------------------------
    def _load(self, source: MnistSource) -> None:
        worker = DataWorker(source)
        worker.downloadProgress.connect(self._downloading)
        worker.succeeded.connect(self.setData)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        self._show_loading(True)
        self._task.start(worker)

    def isLoading(self) -> bool:
        return self._task.isRunning()

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(describe_download(name, done, total))
        if total > 0:
            self.progressBar.setRange(0, total)
            self.progressBar.setValue(min(done, total))

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.statusLabel.setTextFormat(Qt.TextFormat.RichText)
        self.statusLabel.setText(f"MNIST could not be read: {escape(message)}")

    @Slot()
    def _cancelled(self) -> None:
        self.statusLabel.setText("Reading MNIST was cancelled.")

    @Slot()
    def _loading_ended(self) -> None:
        self._show_loading(False)

    def _show_loading(self, loading: bool) -> None:
        self.progressBar.setVisible(loading)
        self.cancelButton.setVisible(loading)

    # -- showing -------------------------------------------------------------------------
    def data(self) -> MnistAtAGlance | None:
        return self._data

    @Slot(object)
    def setData(self, data: MnistAtAGlance) -> None:
        self._data = data
        train, test = data.summaries["train"], data.summaries["test"]
        self.countBars.setSummaries(train, test)
        explain(self.countBars, texts.COUNTS_TIP, now(texts.COUNTS_HELP, texts.counts_now(train, test)))
        self.statusLabel.setText(texts.status(train, test, data.seconds))
        self._split_changed()

    def split(self) -> str:
        return self.splitCombo.currentData()

    @Slot()
    def _split_changed(self) -> None:
        self._explain_choices()
        if self._data is None:
            return
        summary = self._data.summaries[self.split()]
        self.averageDigits.setSummary(summary)
        self.pixelHistogram.setSummary(summary)
        name = texts.SPLIT_NAMES[summary.name]
        explain(self.averageDigits, texts.AVERAGE_TIP,
                now(texts.AVERAGE_HELP, f"the averages of the {summary.size:,} digits of the {name}."))
        for widget in (self.pixelHistogram, self.pixelHistogram.plot):
            explain(widget, texts.HISTOGRAM_TIP, now(texts.HISTOGRAM_HELP, texts.histogram_now(summary)))
        self.newSamples()

    @Slot()
    def newSamples(self) -> None:
        """Show other samples, picked at random from the chosen set and digit."""
        self._explain_choices()
        if self._data is None:
            return
        split, digit = self.split(), self.digitCombo.currentData()
        labels = self._data.labels[split]
        indices = random_samples(labels, SAMPLES, self._rng, digit)
        self.sampleGrid.setSamples(self._data.images[split], labels, indices, split)
        explain(self.sampleGrid, texts.SAMPLES_TIP,
                now(texts.SAMPLES_HELP, texts.samples_now(len(indices), split, digit)))

    def _explain_choices(self) -> None:
        split_name = texts.SPLIT_NAMES[self.split()]
        explain(self.splitCombo, texts.SPLIT_TIP, now(texts.SPLIT_HELP, f"the {split_name}."))
        digit = self.digitCombo.currentData()
        explain(self.digitCombo, texts.DIGIT_TIP,
                now(texts.DIGIT_HELP, "any digit." if digit is None else f"only {digit}s."))

    @Slot(int)
    def _sample_clicked(self, index: int) -> None:
        images = self._data.images[self.split()]
        self.loadDigit.emit(as_float_images(images[index:index + 1]).reshape(28, 28))

    def stopAndWait(self) -> None:
        self._task.stopAndWait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stopAndWait()
        super().closeEvent(event)

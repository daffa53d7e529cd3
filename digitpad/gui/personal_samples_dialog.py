"""Model → My handwriting: the drawings the user has labelled, as thumbnails
with their digit. Samples can be filtered by digit, relabelled (choose a
digit, or press its key), deleted, loaded back into the canvas (double-click),
and the whole set exported to or imported from a single file. Every change is
saved at once; a file problem is reported by name and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QListView,
                               QPushButton, QVBoxLayout, QWidget)

from digitpad.data.handwriting.samples import PersonalSample, SampleFileError
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.gui.messages import plain_label, warn
from digitpad.gui.save_path import ask_save_path

THUMBNAIL = 56
SAMPLES_FILTER = "digitpad samples (*.npz);;All files (*)"


class SampleListModel(QAbstractListModel):
    def __init__(self, samples: PersonalSamples, parent=None) -> None:
        super().__init__(parent)
        self._store = samples
        self._digit: int | None = None
        self._shown: list[PersonalSample] = []
        self._icons: dict[str, QIcon] = {}
        self.refresh()

    def setDigit(self, digit: int | None) -> None:
        self._digit = digit
        self.refresh()

    def refresh(self) -> None:
        shown = [sample for sample in reversed(self._store.samples)
                 if self._digit is None or sample.label == self._digit]
        added = len(shown) - len(self._shown)
        if added > 0 and all(new is old for new, old in zip(shown[added:], self._shown)):
            # Newly labelled samples come first; inserting them keeps a view of
            # thousands of thumbnails from being laid out again at every label.
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._shown = shown
            self.endInsertRows()
            return
        if len(shown) == len(self._shown) and all(new is old for new, old in zip(shown, self._shown)):
            if shown:     # same samples; labels may have changed
                self.dataChanged.emit(self.index(0), self.index(len(shown) - 1))
            return
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    def sample(self, row: int) -> PersonalSample:
        return self._shown[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        sample = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(sample.label)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(sample)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Labelled {sample.label} on {sample.created[:10]}"
        return None

    def _icon(self, sample: PersonalSample) -> QIcon:
        icon = self._icons.get(sample.sample_id)
        if icon is None:
            pixels = np.ascontiguousarray(sample.image)
            image = QImage(pixels.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
            pixmap = QPixmap.fromImage(image.scaled(THUMBNAIL, THUMBNAIL))
            icon = QIcon()
            icon.addPixmap(pixmap, QIcon.Mode.Normal)
            icon.addPixmap(pixmap, QIcon.Mode.Selected)
            self._icons[sample.sample_id] = icon
        return icon


class PersonalSamplesDialog(QDialog):
    loadSample = Signal(object)          # PersonalSample
    adaptRequested = Signal()
    samplesChanged = Signal()

    def __init__(self, samples: PersonalSamples, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personalSamplesDialog")
        self.setWindowTitle("My handwriting")
        self._store = samples
        self.countsLabel = QLabel()
        self.countsLabel.setObjectName("sampleCounts")
        self.countsLabel.setTextFormat(Qt.TextFormat.RichText)
        self.digitFilter = QComboBox()
        self.digitFilter.setObjectName("sampleDigitFilter")
        self.digitFilter.addItem("All digits", None)
        for digit in range(10):
            self.digitFilter.addItem(str(digit), digit)
        self.digitFilter.currentIndexChanged.connect(
            lambda: self.model.setDigit(self.digitFilter.currentData()))
        top = QHBoxLayout()
        top.addWidget(self.countsLabel, 1)
        top.addWidget(QLabel("Show"))
        top.addWidget(self.digitFilter)

        self.model = SampleListModel(samples, self)
        self.grid = QListView()
        self.grid.setObjectName("sampleGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        # Thousands of thumbnails are laid out a batch at a time, so labelling
        # a drawing while this window is open never waits for all of them.
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(256)
        self.grid.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.grid.setGridSize(QSize(THUMBNAIL + 16, THUMBNAIL + 26))
        self.grid.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.grid.setModel(self.model)
        self.grid.doubleClicked.connect(lambda index: self.loadSample.emit(self.model.sample(index.row())))
        self.grid.setToolTip("Select samples, then press a digit key to relabel them or Delete to remove them.\n"
                             "Double-click a sample to put it back on the canvas.")
        self.emptyLabel = QLabel("No samples yet. Draw a digit in the main window and press its key "
                                 "(or click its bar) to add it here.")
        self.emptyLabel.setWordWrap(True)

        self.relabelCombo = QComboBox()
        self.relabelCombo.setObjectName("relabelDigit")
        self.relabelCombo.addItems([str(digit) for digit in range(10)])
        relabel = QPushButton("Relabel selected")
        relabel.clicked.connect(lambda: self.relabelSelected(int(self.relabelCombo.currentText())))
        delete = QPushButton("Delete selected")
        delete.clicked.connect(self.deleteSelected)
        export = QPushButton("Export…")
        export.clicked.connect(self.chooseExport)
        import_button = QPushButton("Import…")
        import_button.clicked.connect(self.chooseImport)
        adapt = QPushButton("Adapt the model to my handwriting…")
        adapt.setObjectName("adaptButton")
        adapt.clicked.connect(self.adaptRequested.emit)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        for widget in (QLabel("Label as"), self.relabelCombo, relabel, delete):
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (export, import_button):
            row.addWidget(widget)
        self.statusLabel = plain_label()
        self.statusLabel.setObjectName("samplesStatus")
        bottom = QHBoxLayout()
        bottom.addWidget(adapt)
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.emptyLabel)
        layout.addWidget(self.grid, 1)
        layout.addLayout(row)
        layout.addLayout(bottom)
        for digit in range(10):
            QShortcut(QKeySequence(str(digit)), self.grid,
                      lambda chosen=digit: self.relabelSelected(chosen))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.grid, self.deleteSelected)
        self.resize(640, 520)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Show the store as it is now (after changes made elsewhere, too)."""
        self.model.refresh()
        counts = self._store.counts()
        total = int(counts.sum())
        self.countsLabel.setText(f"<b>{total}</b> samples · " + "  ".join(
            f"{digit}: {count}" for digit, count in enumerate(counts)))
        self.emptyLabel.setVisible(total == 0)

    def selectedIds(self) -> list[str]:
        return [self.model.sample(index.row()).sample_id for index in self.grid.selectionModel().selectedIndexes()]

    def _change(self, action, *arguments) -> bool:
        try:
            action(*arguments)
        except SampleFileError as error:
            warn(self, "My handwriting", f"{error}\n\nNothing was changed.")
            return False
        self.refresh()
        self.samplesChanged.emit()
        return True

    def relabelSelected(self, digit: int) -> None:
        chosen = self.selectedIds()
        if chosen:
            self._change(self._store.relabel, chosen, digit)

    def deleteSelected(self) -> None:
        chosen = self.selectedIds()
        if chosen:
            self._change(self._store.delete, chosen)

    @Slot()
    def chooseExport(self) -> None:
        path = ask_save_path(self, "Export my handwriting", Path.home() / "my-handwriting.npz",
                             SAMPLES_FILTER, ".npz")
        if path is not None:
            self.exportTo(str(path))

    def exportTo(self, path: str) -> bool:
        try:
            self._store.export_to(path)
        except SampleFileError as error:
            warn(self, "Export", str(error))
            return False
        self.statusLabel.setText(f"{len(self._store)} samples exported to {path}.")
        return True

    @Slot()
    def chooseImport(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import handwriting samples", str(Path.home()), SAMPLES_FILTER)
        if path:
            self.importFrom(path)

    def importFrom(self, path: str) -> int | None:
        try:
            added = self._store.import_from(path)
        except SampleFileError as error:
            warn(self, "Import", f"{error}\n\nNothing was imported.")
            return None
        self.refresh()
        self.samplesChanged.emit()
        self.statusLabel.setText(f"{added} new samples imported from {Path(path).name}.")
        return added

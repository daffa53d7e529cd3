"""Model → My handwriting: the drawings the user has labelled, as thumbnails
with their digit, and what instant personalisation makes of them (the panel
at the top; each sample's effect in its tooltip and under the list).
Samples can be filtered by digit, relabelled (choose a digit, or press its
key), forgotten, loaded back into the canvas (double-click), and the whole
set exported to or imported from a single file; "Reset personalisation"
forgets them all after asking. Every change is saved at once; a file
problem is reported by name and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QListView,
                               QMessageBox, QVBoxLayout, QWidget)

from digitpad.data.handwriting.samples import PersonalSample, SampleFileError
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.gui.common.explain import explained_button, explained_note
from digitpad.gui.common.messages import choose, plain_label, warn
from digitpad.gui.common.observe import observe
from digitpad.gui.common.save_path import ask_save_path
from digitpad.gui.common.thumbnails import THUMBNAIL, digit_icon
from digitpad.gui.handwriting.personalisation_panel import PersonalisationPanel, effect_text
from digitpad.model.personal import SampleEffect
from digitpad.session import Session

SAMPLES_FILTER = "digitpad samples (*.npz);;All files (*)"


class SampleListModel(QAbstractListModel):
    def __init__(self, samples: PersonalSamples, parent=None) -> None:
        super().__init__(parent)
        self._store = samples
        self._digit: int | None = None
        self._shown: list[PersonalSample] = []
        self._icons: dict[str, QIcon] = {}
        self._effects: dict[str, SampleEffect] = {}
        self.refresh()

    def setEffects(self, effects: dict[str, SampleEffect]) -> None:
        self._effects = dict(effects)
        if self._shown:
            self.dataChanged.emit(self.index(0), self.index(len(self._shown) - 1),
                                  [Qt.ItemDataRole.ToolTipRole])

    def effect(self, sample: PersonalSample) -> SampleEffect | None:
        return self._effects.get(sample.sample_id)

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
            effect = effect_text(sample, self._effects.get(sample.sample_id))
            return f"Labelled {sample.label} on {sample.created[:10]}." + (f"\n{effect}" if effect else "")
        return None

    def _icon(self, sample: PersonalSample) -> QIcon:
        icon = self._icons.get(sample.sample_id)
        if icon is None:
            icon = self._icons[sample.sample_id] = digit_icon(sample.image)
        return icon


class PersonalSamplesDialog(QDialog):
    loadSample = Signal(object)          # PersonalSample
    adaptRequested = Signal()
    personaliseToggled = Signal(bool)
    visibilityChanged = Signal(bool)     # shown (True) or hidden: effects are worked out only while shown

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personalSamplesDialog")
        self.setWindowTitle("My handwriting")
        self._session = session
        self.model = SampleListModel(session.samples, self)
        layout = QVBoxLayout(self)
        self.personalisationPanel = PersonalisationPanel(session.personalise)
        self.personalisationPanel.personaliseToggled.connect(self.personaliseToggled)
        self.personalisationPanel.resetRequested.connect(self.resetPersonalisation)
        layout.addWidget(self.personalisationPanel)
        layout.addLayout(self._build_top())
        self.emptyLabel = QLabel("No samples yet. Draw a digit in the main window and press its key "
                                 "(or click its bar) to add it here.")
        self.emptyLabel.setWordWrap(True)
        layout.addWidget(self.emptyLabel)
        layout.addWidget(self._build_grid(), 1)
        self.effectLabel = explained_note(
            "sampleEffect", "What the selected sample does to the readings",
            "A sample has a say in a drawing when the drawing's pattern in the last hidden layer is close "
            "to the sample's. 'Decides' counts your other drawings that would be read differently without "
            "this sample: forgetting it changes exactly those.", lines=3)
        layout.addWidget(self.effectLabel)
        layout.addLayout(self._build_edit_row())
        layout.addLayout(self._build_bottom_row())
        for digit in range(10):
            QShortcut(QKeySequence(str(digit)), self.grid,
                      lambda chosen=digit: self.relabelSelected(chosen))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.grid, self.deleteSelected)
        self.grid.selectionModel().currentChanged.connect(lambda *_: self._show_current_effect())
        self.resize(680, 600)
        observe(self, session.samples_changed, self.refresh)
        self.refresh()

    def _build_top(self) -> QHBoxLayout:
        self.countsLabel = QLabel()
        self.countsLabel.setObjectName("sampleCounts")
        self.countsLabel.setTextFormat(Qt.TextFormat.RichText)
        self.countsLabel.setToolTip("How many samples you have labelled, in all and of each digit")
        self.digitFilter = QComboBox()
        self.digitFilter.setObjectName("sampleDigitFilter")
        self.digitFilter.addItem("All digits", None)
        for digit in range(10):
            self.digitFilter.addItem(str(digit), digit)
        self.digitFilter.currentIndexChanged.connect(
            lambda: self.model.setDigit(self.digitFilter.currentData()))
        self.digitFilter.setToolTip("Show the samples of one digit only")
        self.digitFilter.setWhatsThis("Shows only the samples labelled as one digit, to check that they "
                                      "all really are that digit.")
        top = QHBoxLayout()
        top.addWidget(self.countsLabel, 1)
        top.addWidget(QLabel("Show"))
        top.addWidget(self.digitFilter)
        return top

    def _build_grid(self) -> QListView:
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
        self.grid.setWhatsThis(
            "Every drawing you labelled, newest first, as the 28×28 picture the network saw. These are "
            "your own training examples: instant personalisation reads drawings like them the way you "
            "labelled them, and adapting the model to your handwriting learns from them. A sample with "
            "the wrong label teaches the wrong thing, so relabel or forget it.")
        return self.grid

    def _build_edit_row(self) -> QHBoxLayout:
        self.relabelCombo = QComboBox()
        self.relabelCombo.setObjectName("relabelDigit")
        self.relabelCombo.addItems([str(digit) for digit in range(10)])
        self.relabelCombo.setToolTip("The digit to give the selected samples")
        self.relabelCombo.setWhatsThis("Choose the right digit for samples that were labelled wrongly, then "
                                       "press Relabel selected. A wrong label teaches the wrong thing.")
        relabel = explained_button("Relabel selected", self._relabel_with_combo,
                                   "Give the selected samples the digit chosen on the left",
                                   "Changes the label of the selected samples (a digit key does the same).")
        delete = explained_button("Forget selected", self.deleteSelected,
                                  "Forget the selected samples: remove them and their say (Delete)",
                                  "Removes the selected samples for good. Their say in the readings goes with "
                                  "them at once, exactly: the drawings they decided are read as before.")
        delete.setObjectName("forgetSelected")
        export = explained_button("Export…", self.chooseExport, "Save all your samples to one file",
                                  "Writes all your samples to a single file, to keep or to use on another "
                                  "computer.")
        import_button = explained_button("Import…", self.chooseImport, "Add the samples of an exported file",
                                         "Adds the samples of a file made with Export; samples you already "
                                         "have are skipped.")
        row = QHBoxLayout()
        for widget in (QLabel("Label as"), self.relabelCombo, relabel, delete):
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (export, import_button):
            row.addWidget(widget)
        return row

    def _build_bottom_row(self) -> QHBoxLayout:
        adapt = explained_button("Adapt the model to my handwriting…", self.adaptRequested,
                                 "Fine-tune the model on these samples",
                                 "Opens Adapt to my handwriting, which fine-tunes a copy of the model on these "
                                 "samples and shows whether it got better.")
        adapt.setObjectName("adaptButton")
        close = explained_button("Close", self.close, "Close this window",
                                 "Closes this window; your samples are saved as you go.")
        self.statusLabel = plain_label()
        self.statusLabel.setObjectName("samplesStatus")
        bottom = QHBoxLayout()
        bottom.addWidget(adapt)
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(close)
        return bottom

    @Slot()
    def refresh(self) -> None:
        """Show the samples as they are now."""
        self.model.refresh()
        counts = self._session.samples.counts()
        total = int(counts.sum())
        self.countsLabel.setText(f"<b>{total}</b> samples · " + "  ".join(
            f"{digit}: {count}" for digit, count in enumerate(counts)))
        self.emptyLabel.setVisible(total == 0)

    # -- personalisation ---------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.visibilityChanged.emit(True)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.visibilityChanged.emit(False)

    @Slot(object)
    def showEffects(self, effects: dict[str, SampleEffect]) -> None:
        self.model.setEffects(effects)
        self._show_current_effect()

    def _show_current_effect(self) -> None:
        index = self.grid.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            self.effectLabel.setText("Select a sample to see what it does to the readings.")
            return
        sample = self.model.sample(index.row())
        text = effect_text(sample, self.model.effect(sample)) or "Working out what it does…"
        self.effectLabel.setText(f"This {sample.label}: {text}")

    @Slot(object)
    def showMnistMeasure(self, measure) -> None:
        self.personalisationPanel.showMnistMeasure(measure)

    @Slot(str)
    def showNotes(self, notes: str) -> None:
        self.personalisationPanel.showNotes(notes)

    @Slot(float)
    def showUpdateTime(self, seconds: float) -> None:
        self.personalisationPanel.showUpdateTime(seconds)

    @Slot()
    def resetPersonalisation(self) -> bool:
        """Forget every sample, after asking; True if they were forgotten."""
        samples = self._session.samples
        if not len(samples):
            self.statusLabel.setText("There is nothing to forget: no samples yet.")
            return False
        forget = 0
        answer = choose(self, QMessageBox.Icon.Warning, "Reset personalisation",
                        f"Forget all {len(samples)} samples? They are deleted from My handwriting, and every "
                        "drawing is read by the network alone again.\n\nUse Export first to keep a copy.",
                        [("Forget all", QMessageBox.ButtonRole.DestructiveRole)],
                        QMessageBox.StandardButton.Cancel)
        if answer != forget:
            return False
        if self._change(self._session.delete_samples, [sample.sample_id for sample in samples.samples]):
            self.statusLabel.setText("All samples forgotten: the network alone reads your drawings again.")
            return True
        return False

    def selectedIds(self) -> list[str]:
        return [self.model.sample(index.row()).sample_id for index in self.grid.selectionModel().selectedIndexes()]

    def _change(self, action, *arguments) -> bool:
        try:
            action(*arguments)
        except SampleFileError as error:
            warn(self, "My handwriting", f"{error}\n\nNothing was changed.")
            return False
        return True

    @Slot()
    def _relabel_with_combo(self) -> None:
        self.relabelSelected(int(self.relabelCombo.currentText()))

    def relabelSelected(self, digit: int) -> None:
        chosen = self.selectedIds()
        if chosen:
            self._change(self._session.relabel_samples, chosen, digit)

    def deleteSelected(self) -> None:
        chosen = self.selectedIds()
        if chosen:
            self._change(self._session.delete_samples, chosen)

    @Slot()
    def chooseExport(self) -> None:
        path = ask_save_path(self, "Export my handwriting", Path.home() / "my-handwriting.npz",
                             SAMPLES_FILTER, ".npz")
        if path is not None:
            self.exportTo(str(path))

    def exportTo(self, path: str) -> bool:
        try:
            self._session.export_samples(path)
        except SampleFileError as error:
            warn(self, "Export", str(error))
            return False
        self.statusLabel.setText(f"{len(self._session.samples)} samples exported to {path}.")
        return True

    @Slot()
    def chooseImport(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import handwriting samples", str(Path.home()), SAMPLES_FILTER)
        if path:
            self.importFrom(path)

    def importFrom(self, path: str) -> int | None:
        try:
            added = self._session.import_samples(path)
        except SampleFileError as error:
            warn(self, "Import", f"{error}\n\nNothing was imported.")
            return None
        self.statusLabel.setText(f"{added} new samples imported from {Path(path).name}.")
        return added

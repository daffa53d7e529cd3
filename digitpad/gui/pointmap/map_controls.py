"""The point map's choices, in one row: which layer's numbers describe the
digits, how they are flattened to two (PCA, or t-SNE — greyed out, saying
why, only in an installation missing scikit-learn) and how many test
digits are shown. The number is kept for each method: PCA maps all 10,000
test digits at once, t-SNE starts with a random 3,000 of them, which it
lays out in seconds rather than minutes (``scripts/bench_point_map.py``).
Any change goes out by ``changed``; every control's "What's This?" text
ends with its current value.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from digitpad.gui.common.explain import explain, now
from digitpad.gui.pointmap import texts
from digitpad.inside.point_map import PCA, TSNE

TEST_DIGITS = 10000
SAMPLE_SIZES = (1000, 2000, 3000, 5000, TEST_DIGITS)
# How many digits each method maps until the learner chooses otherwise.
DEFAULT_SAMPLES = {PCA: TEST_DIGITS, TSNE: 3000}


class MapControls(QWidget):
    changed = Signal()

    def __init__(self, tsne_available: bool, timing: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tsne_available, self._timing = tsne_available, timing
        self._widths: list[int] = []
        self.layerCombo = QComboBox()
        self.layerCombo.setObjectName("pointMapLayer")
        self.methodCombo = QComboBox()
        self.methodCombo.setObjectName("pointMapMethod")
        self.methodCombo.addItem("PCA — quick, exact", PCA)
        self.methodCombo.addItem("t-SNE — slower, keeps neighbours" if tsne_available
                                 else "t-SNE — needs scikit-learn", TSNE)
        if not tsne_available:
            item = self.methodCombo.model().item(1)
            item.setEnabled(False)
            item.setToolTip(texts.TSNE_MISSING)
        self.sampleCombo = QComboBox()
        self.sampleCombo.setObjectName("pointMapSample")
        for count in SAMPLE_SIZES:
            self.sampleCombo.addItem(texts.sample_label(count, TEST_DIGITS), count)
        self._samples = dict(DEFAULT_SAMPLES)
        self._set_count(self._samples[PCA])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for caption, combo in (("Layer", self.layerCombo), ("Map by", self.methodCombo),
                               ("Test digits", self.sampleCombo)):
            label = QLabel(caption)
            label.setBuddy(combo)
            layout.addWidget(label)
            layout.addWidget(combo)
            layout.addSpacing(10)
        layout.addStretch(1)
        self.layerCombo.currentIndexChanged.connect(self._changed)
        self.methodCombo.currentIndexChanged.connect(self._method_changed)
        self.sampleCombo.currentIndexChanged.connect(self._count_changed)

    def setLayers(self, names: list[str], widths: list[int], depth: int) -> None:
        """Offer ``names`` (depth 0 first), each ``widths`` numbers per digit; choose ``depth``."""
        self._widths = list(widths)
        self.layerCombo.blockSignals(True)
        self.layerCombo.clear()
        for name, width in zip(names, widths):
            self.layerCombo.addItem(f"{name} ({width:,} numbers)", name)
        self.layerCombo.setCurrentIndex(min(depth, len(names) - 1))
        self.layerCombo.blockSignals(False)
        self._explain()

    def depth(self) -> int:
        return self.layerCombo.currentIndex()

    def depthName(self) -> str:
        return self.layerCombo.currentData() or ""

    def method(self) -> str:
        return self.methodCombo.currentData()

    def count(self) -> int:
        return self.sampleCombo.currentData()

    def choose(self, depth: int | None = None, method: str | None = None, count: int | None = None,
               announce: bool = True) -> None:
        """Set any of the choices: one ``changed`` at most, none unless ``announce``."""
        blocked = self.blockSignals(True)
        if depth is not None:
            self.layerCombo.setCurrentIndex(depth)
        if method is not None:
            self.methodCombo.setCurrentIndex(self.methodCombo.findData(method))
        if count is not None:
            self._set_count(count)
        self.blockSignals(blocked)
        self._explain()
        if announce:
            self.changed.emit()

    def _set_count(self, count: int) -> None:
        """Show ``count``; a number not offered (a test's, a script's) is added to the list."""
        position = self.sampleCombo.findData(count)
        if position < 0:
            self.sampleCombo.addItem(texts.sample_label(count, TEST_DIGITS), count)
            position = self.sampleCombo.count() - 1
        self.sampleCombo.setCurrentIndex(position)
        self._samples[self.method()] = count

    def _method_changed(self, *_) -> None:
        # Each method comes back with the number of digits it had last.
        blocked = self.sampleCombo.blockSignals(True)
        self._set_count(self._samples[self.method()])
        self.sampleCombo.blockSignals(blocked)
        self._changed()

    def _count_changed(self, *_) -> None:
        self._samples[self.method()] = self.count()
        self._changed()

    def _changed(self, *_) -> None:
        self._explain()
        if not self.signalsBlocked():
            self.changed.emit()

    def _explain(self) -> None:
        width = self._widths[self.depth()] if 0 <= self.depth() < len(self._widths) else 0
        explain(self.layerCombo, texts.LAYER_TIP,
                now(texts.LAYER_HELP, f"{self.depthName()}: {width:,} numbers per digit."))
        explain(self.methodCombo, texts.METHOD_TIP,
                now(texts.method_help(self._tsne_available), texts.METHOD_NAMES[self.method()]))
        explain(self.sampleCombo, texts.SAMPLE_TIP,
                now(texts.SAMPLE_HELP.format(timing=self._timing),
                          f"{texts.sample_label(self.count(), TEST_DIGITS)} of the {TEST_DIGITS:,} test digits."))

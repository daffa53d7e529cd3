"""A table whose first columns stay put while the rest scroll sideways, the
way a spreadsheet freezes panes: a layer's table keeps each unit's own
numbers (sum, bias, z, activation) in view while the learner scrolls
through its hundreds of weights. A second view of the same model, showing
only the frozen columns, lies over the first columns of the main one (Qt's
"frozen column" example) and scrolls up and down with it.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from digitpad.gui.stepping.fixed_header import FixedHeader


class FrozenColumnsTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frozen = 0
        self.setHorizontalHeader(FixedHeader(Qt.Orientation.Horizontal, self))
        self.setVerticalHeader(FixedHeader(Qt.Orientation.Vertical, self))
        self.frozenView = QTableView(self)
        frozen = self.frozenView
        frozen.setObjectName("frozenColumns")
        frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frozen.setHorizontalHeader(FixedHeader(Qt.Orientation.Horizontal, frozen))
        frozen.verticalHeader().hide()
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A line on the right marks where the scrolling part begins.
        frozen.setStyleSheet("QTableView#frozenColumns { border: none; border-right: 2px solid #7c8598; }")
        for view in (self, frozen):
            view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.viewport().stackUnder(frozen)
        self.verticalScrollBar().valueChanged.connect(frozen.verticalScrollBar().setValue)
        frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.horizontalHeader().sectionResized.connect(self._column_resized)
        self.verticalHeader().sectionResized.connect(self._row_resized)

    def setToolTip(self, text: str) -> None:
        # The frozen columns are part of this table: they explain themselves alike.
        super().setToolTip(text)
        self.frozenView.setToolTip(text)

    def setWhatsThis(self, text: str) -> None:
        super().setWhatsThis(text)
        self.frozenView.setWhatsThis(text)

    def setModel(self, model: QAbstractItemModel) -> None:
        super().setModel(model)
        self.frozenView.setModel(model)
        self.frozenView.setSelectionModel(self.selectionModel())
        self.setFrozenColumns(self._frozen)

    def setFrozenColumns(self, count: int) -> None:
        """Keep the first ``count`` columns in view."""
        self._frozen = count
        if self.model() is not None:
            for column in range(self.model().columnCount()):
                self.frozenView.setColumnHidden(column, column >= count)
                if column < count:
                    self.frozenView.setColumnWidth(column, self.columnWidth(column))
        self.frozenView.setVisible(count > 0)
        self._place_frozen()

    def frozenWidth(self) -> int:
        return sum(self.columnWidth(column) for column in range(self._frozen))

    def _column_resized(self, column: int, old_size: int, new_size: int) -> None:
        if column < self._frozen:
            self.frozenView.setColumnWidth(column, new_size)
            self._place_frozen()

    def _row_resized(self, row: int, old_size: int, new_size: int) -> None:
        self.frozenView.setRowHeight(row, new_size)

    def _place_frozen(self) -> None:
        if self.frozenView.horizontalHeader().height() != self.horizontalHeader().height():
            self.frozenView.horizontalHeader().setFixedHeight(self.horizontalHeader().height())
        self.frozenView.setGeometry(self.verticalHeader().width() + self.frameWidth(), self.frameWidth(),
                                    self.frozenWidth() + 2,
                                    self.viewport().height() + self.horizontalHeader().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self._place_frozen()

    def scrollTo(self, index: QModelIndex, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if not index.isValid():
            return
        scroll = self.horizontalScrollBar()
        kept = scroll.value()
        super().scrollTo(index, hint)
        if index.column() < self._frozen:
            # A frozen cell is always in view sideways: only scroll up or down.
            scroll.setValue(kept)
        elif self.visualRect(index).left() < self.frozenWidth():
            # Hidden under the frozen columns: bring it out to their right.
            scroll.setValue(scroll.value() + self.visualRect(index).left() - self.frozenWidth())

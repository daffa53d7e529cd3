"""The training lab's log: one line per thing that happened to the run and
is worth remembering when reading its curves — a setting changed while it
trained (at which update, from what to what), a finding, a suggestion
applied, the run's start and end — newest last, each stamped with where in
the run it happened.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QListWidget, QWidget


class RunLog(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runLog")
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setToolTip("What happened to this run: settings changed, findings, suggestions applied")
        self.setWhatsThis("<p><b>Run log</b></p><p>Every setting changed while the run trains is listed "
                          "with the update from which it counts, next to the findings and the "
                          "suggestions applied, so the bends in the curves can be traced back to "
                          "what caused them. The same changes are recorded in the run's config.json "
                          "and metrics.csv.</p>")

    def addEntry(self, text: str) -> None:
        self.addItem(text)
        self.scrollToBottom()

    def entries(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

"""The training lab's findings: each problem the run's diagnosis reports —
overfitting, underfitting, divergence, exploding or vanishing gradients,
dead units, saturation — shown once, as it arises, under its plain name (so
a learner can look it up), with what was seen, the numbers behind it, and
the suggested change with an "Apply" button. What Apply does is the
dialog's business (``applyRequested``): the change goes into the running
run when it can, otherwise into the form for the next run; the panel then
confirms what changed (``showApplied``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from digitpad.gui.common.explain import explain
from digitpad.gui.common.messages import escape
from digitpad.train.diagnosis import FINDING_NAMES, Finding
from digitpad.train.settings import format_value

_NONE_YET = ("No findings yet. While it trains, the run is checked for "
             + ", ".join(FINDING_NAMES[:-1]) + " and " + FINDING_NAMES[-1] + ".")


def _evidence(finding: Finding) -> str:
    return " · ".join(f"{name} {format_value(None, value) if not isinstance(value, str) else value}"
                      for name, value in finding.evidence.items())


class FindingsPanel(QWidget):
    applyRequested = Signal(object)       # the Finding whose suggestion to apply
    countChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findings")
        self._findings: list[Finding] = []
        self._buttons: dict[str, QPushButton] = {}
        self._live = False
        self.confirmationLabel = QLabel()
        self.confirmationLabel.setObjectName("findingApplied")
        self.confirmationLabel.setWordWrap(True)
        self.confirmationLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.confirmationLabel.setStyleSheet("color: #1b6e2a")
        self.confirmationLabel.hide()
        self._list = QWidget()
        self._cards = QVBoxLayout(self._list)
        self._cards.setContentsMargins(2, 2, 2, 2)
        self.emptyLabel = QLabel(_NONE_YET)
        self.emptyLabel.setWordWrap(True)
        self.emptyLabel.setStyleSheet("color: #5a6070")
        self._cards.addWidget(self.emptyLabel)
        self._cards.addStretch(1)
        self.scroll = explain(QScrollArea(), "What the run's diagnosis found, newest last",
                              "<p><b>Findings</b></p><p>While a run trains, its curves and layers are "
                              "checked for the classic problems of training a network. Each is reported "
                              "once, under the name you would look it up by, with the numbers behind "
                              "it and a suggested change you can apply with one click.</p>")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self._list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.confirmationLabel)

    # -- findings ------------------------------------------------------------
    def findings(self) -> list[Finding]:
        return list(self._findings)

    def names(self) -> list[str]:
        return [finding.name for finding in self._findings]

    def applyButton(self, name: str) -> QPushButton:
        return self._buttons[name]

    def clear(self) -> None:
        for finding in self._findings:
            self._buttons.pop(finding.name)
        while self._cards.count() > 2:
            item = self._cards.takeAt(1)
            item.widget().deleteLater()
        self._findings = []
        self.emptyLabel.show()
        self.confirmationLabel.hide()
        self.countChanged.emit(0)

    def addFinding(self, finding: Finding) -> bool:
        """Show ``finding``; False when one of its name is shown already."""
        if finding.name in self.names():
            return False
        self._findings.append(finding)
        self.emptyLabel.hide()
        self._cards.insertWidget(self._cards.count() - 1, self._card(finding))
        self.countChanged.emit(len(self._findings))
        self.scroll.ensureWidgetVisible(self._buttons[finding.name])
        return True

    def setLive(self, live: bool) -> None:
        """Whether a run is training (Apply then changes it where it can)."""
        self._live = live
        for finding in self._findings:
            self._explain_button(self._buttons[finding.name], finding)

    def showApplied(self, text: str, error: bool = False) -> None:
        self.confirmationLabel.setStyleSheet(f"color: {'#b3261e' if error else '#1b6e2a'}")
        self.confirmationLabel.setText(text)
        self.confirmationLabel.show()

    def confirmation(self) -> str:
        return self.confirmationLabel.text() if self.confirmationLabel.isVisible() else ""

    # -- a finding's card ------------------------------------------------------
    def _card(self, finding: Finding) -> QFrame:
        card = QFrame()
        card.setObjectName("finding-" + finding.name.replace(" ", "-"))
        card.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(f"<b>{escape(finding.name.capitalize())}</b> "
                       f"<span style='color:#5a6070'>· epoch {finding.epoch}, update {finding.step}</span>")
        message = QLabel(escape(finding.message))
        evidence = QLabel(f"<span style='color:#5a6070'>Seen: {escape(_evidence(finding))}</span>")
        suggestion = finding.suggestion_text()
        advice = QLabel(f"Try: <b>{escape(suggestion)}</b>" if suggestion else "No setting to change.")
        for label in (title, message, evidence, advice):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        button = QPushButton("Apply")
        button.setObjectName("applyFinding")
        button.setEnabled(bool(finding.suggestion))
        button.clicked.connect(lambda: self.applyRequested.emit(finding))
        self._explain_button(button, finding)
        self._buttons[finding.name] = button
        row = QHBoxLayout()
        row.addWidget(advice, 1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        for label in (title, message, evidence):
            layout.addWidget(label)
        layout.addLayout(row)
        return card

    def _explain_button(self, button: QPushButton, finding: Finding) -> None:
        now = self._live and finding.applies_live
        where = ("changes the running run from its next batch" if now
                 else "puts it into the settings for the next run")
        button.setToolTip(f"{finding.suggestion_text() or 'Nothing to change'}: {where}")
        button.setWhatsThis(f"<p><b>Apply the suggestion for {escape(finding.name)}</b></p><p>"
                            f"{escape(finding.suggestion_text())} — Apply {escape(where)}. "
                            "The change is confirmed under the findings and shows in the log.</p>")

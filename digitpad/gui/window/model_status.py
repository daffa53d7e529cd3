"""The status-bar line naming the model in use — its file, its layer sizes,
its activation and its MNIST test accuracy — kept up to date by observing
the session. The file name is the user's and is shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from digitpad.gui.common.messages import plain_tooltip
from digitpad.gui.common.observe import observe
from digitpad.nn import architecture_summary
from digitpad.session import Session


def model_summary(metadata: dict) -> str:
    """'784-1024-1024-10 ReLU, 99.31% on MNIST test' from checkpoint metadata."""
    text = architecture_summary(metadata["architecture"])
    accuracy = metadata.get("metrics", {}).get("test_accuracy")
    if isinstance(accuracy, (int, float)):
        text += f", {accuracy * 100:.2f}% on MNIST test"
    return text


class ModelStatusLabel(QLabel):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelStatus")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWhatsThis(
            "The model in use: its file, then its layer sizes (784 pixels in, 10 digits out, and the "
            "hidden layers between), its activation function and how many of the 10,000 MNIST test "
            "digits it recognises. Model → Model info tells more; File → Open checkpoint switches.")
        self._session = session
        observe(self, session.model_changed, self._show)
        self._show()

    def _show(self) -> None:
        path = self._session.model_path
        self.setText(f"Model: {path.name} — {model_summary(self._session.metadata)}")
        self.setToolTip(plain_tooltip(path))

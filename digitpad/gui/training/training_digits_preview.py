"""The lab's "Training digits" tab: a few training digits beside the
distorted versions this run's augmentation makes of them, so a learner
sees what the network is really shown. The digits are drawn with a random
generator of the preview's own, never the run's, so looking changes
nothing about training. Clicking the digits or "Other digits" draws new
ones, "Distort again" new distortions of the same digits, and "More
digits" a larger grid. Without distortion it says so and shows the digits
as they are.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.common.messages import plain_label
from digitpad.gui.training import lab_texts as texts
from digitpad.gui.training.digit_pairs_view import DigitPairsView

FEW, MANY = 8, 30


def is_identity(augment) -> bool:
    """True when ``augment`` changes no digit (None, or an augmentation switched off)."""
    return augment is None or bool(getattr(augment, "is_identity", False))


class TrainingDigitsPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingDigitsPreview")
        self.caption = plain_label("")
        self.caption.setObjectName("digitsCaption")
        self.caption.setWordWrap(True)
        self.pairs = explain(DigitPairsView(), texts.DIGITS_TIP, texts.DIGITS)
        self.pairs.clicked.connect(self.showOthers)
        self.otherButton = explained_button("Other digits", self.showOthers, texts.OTHER_DIGITS_TIP,
                                            texts.OTHER_DIGITS)
        self.otherButton.setObjectName("otherDigits")
        self.againButton = explained_button("Distort again", self.distortAgain, texts.DISTORT_AGAIN_TIP,
                                            texts.DISTORT_AGAIN)
        self.againButton.setObjectName("distortAgain")
        self.moreButton = explain(QPushButton("More digits"), texts.MORE_DIGITS_TIP, texts.MORE_DIGITS)
        self.moreButton.setObjectName("moreDigits")
        self.moreButton.setCheckable(True)
        self.moreButton.toggled.connect(self._more_toggled)
        buttons = QHBoxLayout()
        buttons.addWidget(self.otherButton)
        buttons.addWidget(self.againButton)
        buttons.addWidget(self.moreButton)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.pairs, 1)
        layout.addLayout(buttons)
        explain(self, texts.DIGITS_TIP, texts.DIGITS)
        self._rng = np.random.default_rng()
        self.clear()

    def clear(self) -> None:
        self._images, self._labels, self._augment = None, None, None
        self._indices = np.zeros(0, np.int64)
        self._distorted: np.ndarray | None = None
        self.caption.setText("")
        self.pairs.clearPairs()
        self._enable()

    def setTrainingDigits(self, images: np.ndarray, labels: np.ndarray, augment) -> None:
        """The training set (kept by reference) and the run's augmentation (None: none).
        The same digits stay when only the augmentation changes."""
        same_set = self._images is images and len(self._indices) > 0
        self._images, self._labels, self._augment = images, labels, augment
        if same_set:
            self.distortAgain()
        else:
            self.showOthers()

    def _count(self) -> int:
        return MANY if self.moreButton.isChecked() else FEW

    def showOthers(self) -> None:
        if self._images is None or len(self._images) == 0:
            return
        count = min(self._count(), len(self._images))
        self._indices = np.sort(self._rng.choice(len(self._images), size=count, replace=False))
        self.distortAgain()

    def distortAgain(self) -> None:
        if self._images is None or len(self._indices) == 0:
            return
        originals = np.asarray(self._images[self._indices], np.float32)
        if is_identity(self._augment):
            self._distorted = None
            self.caption.setText(texts.NO_DISTORTION)
        else:
            self._distorted = np.asarray(self._augment(originals.copy(), self._rng, self._indices), np.float32)
            self.caption.setText("Left: each digit as stored. Right, framed: one random version of it, as the "
                                 "network is shown it — a new one every time. Click for others.")
        self.pairs.setPairs(originals, self._distorted, self._labels[self._indices], self._indices)
        self._enable()

    def _more_toggled(self, more: bool) -> None:
        self.moreButton.setText("Fewer digits" if more else "More digits")
        self.showOthers()

    def _enable(self) -> None:
        has_digits = self._images is not None
        self.otherButton.setEnabled(has_digits)
        self.moreButton.setEnabled(has_digits)
        self.againButton.setEnabled(has_digits and not is_identity(self._augment))

    def shown(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The originals and distorted versions shown (None without distortion)."""
        if self._images is None or len(self._indices) == 0:
            return np.zeros((0, 784), np.float32), None
        return np.asarray(self._images[self._indices], np.float32), self._distorted

    def state(self) -> dict:
        return {"shown": len(self._indices), "distorted": self._distorted is not None,
                "caption": self.caption.text()}

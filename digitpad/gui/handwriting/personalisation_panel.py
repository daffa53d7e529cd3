"""The top of My handwriting: instant personalisation switched on or off, how
fast the last label was learnt, what the personalised model scores on the
MNIST test digits next to the network alone (the proof that the samples do
not make it worse for everyone else), anything that could not be done, and
"Reset personalisation". ``effect_text`` words one sample's effect, for the
sample list and the line under it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QVBoxLayout

from digitpad.data.handwriting.samples import PersonalSample
from digitpad.gui.common.explain import explained_button, explained_note
from digitpad.gui.common.messages import plain_label
from digitpad.model.personal import REACH, SampleEffect


def effect_text(sample: PersonalSample, effect: SampleEffect | None) -> str:
    """What ``sample`` does, in words ("" before its effect is known)."""
    if effect is None:
        return ""
    network = (f"The network alone reads it as {effect.network_digit}; you taught {sample.label}"
               if effect.network_digit != sample.label else
               f"The network alone reads it as {effect.network_digit} too")
    if effect.reaches == 0:
        reach = "none of your other drawings is close enough for it to have a say"
    else:
        others = "drawing" if effect.reaches == 1 else "drawings"
        reach = (f"it has a say in {effect.reaches} of your other {others} and decides "
                 f"{effect.changes} of them")
    narrow = ""
    if effect.reach > REACH + 1e-3:
        # The anchors narrowed it: say so, it is why a mislabelled sample does little.
        narrow = (f" Its reach is narrowed to cosine {effect.reach:.2f} (from {REACH:.2f}) because MNIST "
                  "digits of another class are that close to it.")
    return f"{network}; {reach}.{narrow}"


class PersonalisationPanel(QGroupBox):
    personaliseToggled = Signal(bool)
    resetRequested = Signal()

    def __init__(self, personalise: bool, parent=None) -> None:
        super().__init__("Instant personalisation", parent)
        self.setObjectName("personalisationPanel")
        self.setWhatsThis(
            "Every drawing you label is remembered at once as the pattern it makes in the network's last "
            "hidden layer. A new drawing that makes a very similar pattern is read the way you labelled "
            "yours; any other drawing, yours or anyone else's, gets exactly the network's own answer. "
            "No weight of the network changes, so forgetting a sample undoes it exactly.")
        self.toggle = QCheckBox("Read my drawings with my samples")
        self.toggle.setObjectName("personaliseToggle")
        self.toggle.setChecked(personalise)
        self.toggle.toggled.connect(self.personaliseToggled)
        self.toggle.setToolTip("On: drawings close to one of your samples are read the way you labelled it.\n"
                               "Off: the network alone reads every drawing.")
        self.toggle.setWhatsThis("Switch it off to compare: the bars then show the network's own reading. "
                                 "Your samples are kept either way.")
        self.reset = explained_button(
            "Reset personalisation…", self.resetRequested,
            "Forget every sample: reading goes back to the network alone",
            "Deletes all your samples from My handwriting after asking, so nothing you taught has a say "
            "any more. Export them first to keep a copy.")
        self.reset.setObjectName("resetPersonalisation")
        self.speedLabel = plain_label()
        self.speedLabel.setObjectName("personalSpeed")
        self.speedLabel.setToolTip("How long the last update took, from your label to a model that uses it")
        self.mnistLabel = explained_note(
            "personalMnist", "The personalised model on the 10,000 MNIST test digits, next to the network alone",
            "Your samples should help with your handwriting and nobody else's. This line checks it: the "
            "10,000 MNIST test digits, written by other people, read with your samples and without them. "
            "Each sample's reach stops short of the MNIST training digits of other classes, so the two "
            "numbers should stay within a few digits of each other.", lines=2,
            text="MNIST test digits with your samples: not measured yet.")
        self.notesLabel = explained_note(
            "personalNotes", "What instant personalisation could not do on this computer",
            "Instant personalisation reads MNIST from this computer (never downloading it for this): the "
            "training digits keep your samples away from other people's digits, and the test digits "
            "check the result. When they are missing, this says what is not being done.", lines=3)
        self.notesLabel.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.toggle)
        top.addWidget(self.speedLabel, 1)
        top.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.mnistLabel)
        layout.addWidget(self.notesLabel)

    @Slot(float)
    def showUpdateTime(self, seconds: float) -> None:
        self.speedLabel.setText(f"last update {seconds * 1000:.0f} ms")

    @Slot(object)
    def showMnistMeasure(self, measure: tuple[float, float, int]) -> None:
        personal, network, changed = measure
        readings = "reading" if changed == 1 else "readings"
        self.mnistLabel.setText(f"MNIST test digits with your samples: {personal:.2%} · network alone: "
                                f"{network:.2%} · {changed:,} {readings} changed")

    @Slot(str)
    def showNotes(self, notes: str) -> None:
        self.notesLabel.setText(f"Note: {notes}." if notes else "")
        self.notesLabel.setVisible(bool(notes))
